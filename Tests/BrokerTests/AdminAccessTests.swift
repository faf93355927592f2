import Testing
import Wire

@testable import Broker

/// Who may use the admin services (PROTOCOL.md §10.7): with CURVE only an `admin:` principal; without CURVE only
/// on a client endpoint no other host can reach.
struct AdminAccessTests {
    @Test(arguments: ["admin:ops", "admin:jura-aarhus"])
    func anAdminPrincipalMayOverCurve(principal: String) {
        #expect(AdminAccess.refusal(principal: principal, secure: true, clientEndpoint: "tcp://0.0.0.0:5555", token: nil, expected: nil) == nil)
    }

    @Test(arguments: ["client:procurement", "auditor:dpo", "subscriber:dashboard", "worker:gdpr:gdpr-1", "anonymous", "admin", "admin:", "admin:Ops", "adminx:ops"])
    func noOtherPrincipalMayOverCurve(principal: String) {
        let refusal = AdminAccess.refusal(principal: principal, secure: true, clientEndpoint: "tcp://127.0.0.1:5555", token: Self.token, expected: Self.token)
        #expect(refusal?.contains("role admin") == true, "\(principal)")
    }

    @Test(arguments: ["tcp://127.0.0.1:5555", "tcp://127.0.0.2:7000", "tcp://localhost:5555", "tcp://[::1]:5555", "ipc:///tmp/aiscreen", "inproc://broker"])
    func withoutCurveOnlyALoopbackEndpointWithTheLocalTokenMay(endpoint: String) {
        #expect(AdminAccess.refusal(principal: BrokerStateMachine.anonymous, secure: false, clientEndpoint: endpoint, token: Self.token, expected: Self.token) == nil)
        for (offered, expected) in [(nil, Self.token), (Self.other, Self.token), (String(Self.token.dropLast()), Self.token), (Self.token, nil), ("", "")] as [(String?, String?)] {
            let refusal = AdminAccess.refusal(principal: BrokerStateMachine.anonymous, secure: false, clientEndpoint: endpoint, token: offered, expected: expected)
            #expect(refusal?.contains("admin token") == true, "\(String(describing: offered)) against \(String(describing: expected))")
        }
    }

    static let token = String(repeating: "ab", count: 32)
    static let other = String(repeating: "ac", count: 32)

    @Test func theTokenIsReadFromTheBodyOnlyAsAStringMember() {
        #expect(AdminAccess.token(in: Array(#"{"token":"abc","bundle":{"token":"inner"}}"#.utf8)) == "abc")
        #expect(AdminAccess.token(in: Array(#"{"bundle":{"token":"inner"}}"#.utf8)) == nil)
        #expect(AdminAccess.token(in: Array(#"{"token":5}"#.utf8)) == nil)
        #expect(AdminAccess.token(in: Array("not json".utf8)) == nil)
        // Beside a bundle whose files are long strings (beyond the default JSON limits).
        let file = String(repeating: "QUFB", count: 50_000)
        #expect(AdminAccess.token(in: Array(#"{"token":"abc","bundle":{"files":{"pack.yaml":"\#(file)"}}}"#.utf8)) == "abc")
    }

    @Test(arguments: ["tcp://0.0.0.0:5555", "tcp://192.168.1.4:5555", "tcp://*:5555", "tcp://eth0:5555", "tcp://localhost.example.org:5555"])
    func withoutCurveAReachableEndpointIsRefused(endpoint: String) {
        let refusal = AdminAccess.refusal(principal: BrokerStateMachine.anonymous, secure: false, clientEndpoint: endpoint, token: Self.token, expected: Self.token)
        #expect(refusal?.contains("not loopback") == true, "\(endpoint)")
    }

    @Test func theAdminServicesAreNamedAndNothingElseIsOne() throws {
        #expect(ServiceName.adminDeploy.rawValue == "admin.deploy" && ServiceName.adminRollback.rawValue == "admin.rollback")
        #expect(ServiceName.adminDeploy.isAdmin && ServiceName.adminRollback.isAdmin)
        for other in ["screen", "mmi.packs", "verdict.get", "pack.gdpr", "admin.other", "admin"] {
            #expect(try !ServiceName(other).isAdmin, "\(other)")
        }
        #expect(ErrorCode.forbidden.rawValue == "forbidden")
    }
}
