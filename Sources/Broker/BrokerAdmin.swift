import Foundation
import RulesEngine
import Security
import Synchronization
public import Wire
import ZeroMQ

/// What answers the broker's admin services (`admin.deploy`, `admin.rollback`, docs/PROTOCOL.md §10.7): `aiscreen`
/// plugs in its pack deployer; the broker itself only authorises the request, runs the handler off its loop and
/// sends the answer.
public protocol BrokerAdmin: Sendable {
    /// Handles one admin request. Called on a thread of its own, never the broker's loop, one request at a time: it
    /// may take seconds (a pack's test cases) and may call ``BrokerService/activate(_:)`` and wait for it.
    /// - Parameters:
    ///   - service: `admin.deploy` or `admin.rollback`.
    ///   - body: the REQUEST body.
    ///   - principal: who asked (`admin:NAME`, or ``BrokerStateMachine/anonymous`` on a loopback broker without keys).
    func handle(service: ServiceName, body: [UInt8], principal: String) -> BrokerAdminAnswer
}

/// The answer to an admin request.
public enum BrokerAdminAnswer: Sendable, Equatable {
    /// FINAL with this JSON body (also for a refused deploy: the body says so and why).
    case final([UInt8])
    /// ERROR with this code and message (the request itself could not be handled).
    case error(ErrorCode, String)
}

/// Who may use the admin services: with CURVE, only a principal of role `admin`; without, only on a client endpoint
/// no other host can reach (loopback TCP, `ipc://`, `inproc://`) and only with the local admin token (``AdminToken``,
/// the body's `token`), so that another user of the host cannot either.
enum AdminAccess {
    /// - Parameters:
    ///   - token: the `token` member of the request body, if any.
    ///   - expected: the broker's local admin token; nil: there is none, so without CURVE nobody may.
    static func refusal(principal: String, secure: Bool, clientEndpoint: String, token: String?, expected: String?) -> String? {
        if secure {
            return Principal(userID: principal)?.role == .admin
                ? nil : "\(principal) may not use the admin services; they need a key of role admin (aiscreen keys generate --role admin)"
        }
        guard isLoopbackEndpoint(clientEndpoint) else {
            return "the client endpoint \(clientEndpoint) is not loopback and has no CURVE keys: admin services are refused until keys exist (aiscreen keys generate)"
        }
        guard let expected, !expected.isEmpty, let token, AdminToken.matches(token, expected) else {
            return "without CURVE keys the admin services need the broker's local admin token (the file admin.token in its key directory, mode 0600)"
        }
        return nil
    }

    /// The body's `token` member, when the body is a JSON object with a string there. Only `token` is built; the rest
    /// (a bundle of up to the max message size) is scanned with limits that fit a bundle.
    static func token(in body: [UInt8]) -> String? {
        let limits = JSONLimits(maxDepth: 16, maxStringLength: body.count, maxContainerCount: 10_000, maxValues: 1_000_000)
        guard case .object(let members)? = try? JSONParser(limits: limits).select(.members(["token": .whole]), in: body),
            case .string(let token)? = members.first?.1
        else { return nil }
        return token
    }
}

/// The admin handler, the local admin token, and whether it is busy (one admin request at a time).
final class AdminSeat: Sendable {
    private let state = Mutex<(handler: (any BrokerAdmin)?, busy: Bool)>((nil, false))
    private let localToken = Mutex<String?>(nil)

    func install(_ handler: any BrokerAdmin, localToken token: String?) {
        state.withLock { $0.handler = handler }
        localToken.withLock { $0 = token }
    }

    var token: String? { localToken.withLock { $0 } }

    /// The handler, marked busy; nil when there is none or it is busy (`busy` tells which).
    func take() -> (handler: (any BrokerAdmin)?, busy: Bool) {
        state.withLock { state in
            guard let handler = state.handler else { return (nil, false) }
            guard !state.busy else { return (nil, true) }
            state.busy = true
            return (handler, false)
        }
    }

    func release() { state.withLock { $0.busy = false } }
}

extension BrokerService {
    /// An admin REQUEST: authorised, then handed to the admin handler on a thread of its own (its answer comes back
    /// as a command); anything else: nil.
    /// - Returns: what to send now (a refusal, or nothing while the handler runs); nil when `frames` is no admin
    ///   request.
    func admin(_ frames: [[UInt8]], _ client: PeerID, _ principal: String) -> [BrokerStateMachine.Action]? {
        guard frames.count > 3, frames[3] == ServiceName.adminDeploy.bytes || frames[3] == ServiceName.adminRollback.bytes,
            case .request(let service, let requestID, _, _, let body)? = try? ClientMessage.decode(frames: frames)
        else { return nil }
        func error(_ code: ErrorCode, _ message: String) -> [BrokerStateMachine.Action] {
            [.sendToClient(client, BrokerReply.error(service: service, requestID: requestID, code: code, message: message).encode())]
        }
        let size = frames.reduce(0) { $0 + $1.count }
        if size > configuration.maxMessageBytes {
            return error(.tooLarge, "the message has \(size) bytes; the limit is \(configuration.maxMessageBytes) (broker.max_message_bytes)")
        }
        let offered = isSecure ? nil : AdminAccess.token(in: body)
        if let refusal = AdminAccess.refusal(principal: principal, secure: isSecure, clientEndpoint: endpoints.client, token: offered, expected: adminSeat.token) {
            logger.log(BrokerEvent("admin-refused", ["service": service.rawValue, "principal": principal, "reason": refusal]))
            return error(.forbidden, refusal)
        }
        let (taken, busy) = adminSeat.take()
        guard let handler = taken else {
            return busy
                ? error(.overloaded, "another admin request is being handled; retry when it has finished")
                : error(.unknownService, "this broker offers no admin services")
        }
        logger.log(BrokerEvent("admin-request", ["service": service.rawValue, "request_id": requestID.rawValue, "principal": principal, "bytes": "\(body.count)"]))
        let seat = adminSeat
        let commands = self.commands
        let thread = Thread {
            let answer = handler.handle(service: service, body: body, principal: principal)
            seat.release()
            let reply: BrokerReply
            switch answer {
            case .final(let json): reply = .final(service: service, requestID: requestID, body: json)
            case .error(let code, let message): reply = .error(service: service, requestID: requestID, code: code, message: message)
            }
            commands.post(.adminAnswered(client, reply.encode()))
        }
        thread.name = "aiscreen.broker.admin"
        thread.start()
        return []
    }
}
