import Foundation
import Security
import Testing
import ZeroMQ

/// A key directory in a temporary folder, removed afterwards.
func withKeyDirectory(_ body: (String) throws -> Void) throws {
    let directory = NSTemporaryDirectory() + "aiscreen-keys-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try body(directory)
}

/// Writes a key pair for `principal` into `directory` as `aiscreen keys generate` does; returns the pair.
@discardableResult
func makeKey(_ principal: Principal, in directory: String) throws -> (publicKey: String, secretKey: String) {
    let pair = try ZMQCurve.keyPair()
    let (publicPath, secretPath) = KeyRing.paths(principal, in: directory)
    try FileManager.default.createDirectory(atPath: (publicPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try KeyFile.write(KeyFile(key: pair.secretKey).text(title: "secret"), to: secretPath, mode: 0o600)
    try KeyFile.write(KeyFile(key: pair.publicKey, comments: ["role": principal.role.rawValue]).text(title: "public"), to: publicPath, mode: 0o644)
    return pair
}

@Suite struct ZAPPolicyTests {
    func request(_ domain: ZAPPolicy.Domain, _ key: String?, routingID: [UInt8] = [], mechanism: String = "CURVE") -> ZAPPolicy.Request {
        ZAPPolicy.Request(domain: domain.rawValue, address: "127.0.0.1", routingID: routingID, mechanism: mechanism, publicKey: key)
    }

    @Test func eachRoleOnlyOnItsOwnEndpoint() throws {
        try withKeyDirectory { directory in
            let client = try makeKey(Principal(role: .client, name: "procurement"), in: directory)
            let worker = try makeKey(Principal(role: .worker, name: "gdpr-1", pack: "gdpr"), in: directory)
            let subscriber = try makeKey(Principal(role: .subscriber, name: "dashboard"), in: directory)
            let auditor = try makeKey(Principal(role: .auditor, name: "dpo"), in: directory)
            let (ring, problems) = try KeyRing.load(directory, strict: true)
            #expect(problems.isEmpty)
            var policy = ZAPPolicy()
            #expect(policy.decide(request(.client, client.publicKey), ring: ring) == .allow(Principal(role: .client, name: "procurement")))
            #expect(policy.decide(request(.client, auditor.publicKey), ring: ring) == .allow(Principal(role: .auditor, name: "dpo")))
            #expect(policy.decide(request(.worker, worker.publicKey), ring: ring) == .allow(Principal(role: .worker, name: "gdpr-1", pack: "gdpr")))
            #expect(policy.decide(request(.feed, subscriber.publicKey), ring: ring) == .allow(Principal(role: .subscriber, name: "dashboard")))
            for (domain, key) in [(ZAPPolicy.Domain.worker, client.publicKey), (.feed, client.publicKey), (.client, worker.publicKey), (.feed, worker.publicKey), (.client, subscriber.publicKey), (.worker, subscriber.publicKey)] {
                guard case .deny = policy.decide(request(domain, key), ring: ring) else {
                    Issue.record("a key was allowed on \(domain)")
                    continue
                }
            }
            let stranger = try ZMQCurve.keyPair()
            #expect(policy.decide(request(.client, stranger.publicKey), ring: ring) == .deny("unknown key"))
            #expect(policy.decide(request(.client, nil, mechanism: "NULL"), ring: ring) == .deny("mechanism NULL is not allowed; use CURVE"))
            #expect(policy.decide(ZAPPolicy.Request(domain: "other", address: "", routingID: [], mechanism: "CURVE", publicKey: client.publicKey), ring: ring) != .allow(Principal(role: .client, name: "procurement")))
        }
    }

    @Test func aRoutingIDStaysWithTheKeyThatFirstUsedIt() throws {
        try withKeyDirectory { directory in
            let owner = try makeKey(Principal(role: .client, name: "owner"), in: directory)
            let thief = try makeKey(Principal(role: .client, name: "thief"), in: directory)
            let (ring, _) = try KeyRing.load(directory, strict: true)
            var policy = ZAPPolicy()
            #expect(policy.decide(request(.client, owner.publicKey, routingID: Array("desk-1".utf8)), ring: ring) == .allow(Principal(role: .client, name: "owner")))
            #expect(policy.decide(request(.client, thief.publicKey, routingID: Array("desk-1".utf8)), ring: ring) == .deny("routing id already used by another key"))
            // The owner may reconnect with it; the thief may use its own.
            #expect(policy.decide(request(.client, owner.publicKey, routingID: Array("desk-1".utf8)), ring: ring) == .allow(Principal(role: .client, name: "owner")))
            #expect(policy.decide(request(.client, thief.publicKey, routingID: Array("desk-2".utf8)), ring: ring) == .allow(Principal(role: .client, name: "thief")))
        }
    }

    @Test func principalsRoundTripAndRejectOddNames() {
        for principal in [Principal(role: .client, name: "a"), Principal(role: .worker, name: "gdpr-1", pack: "gdpr"), Principal(role: .auditor, name: "dpo.aarhus")] {
            #expect(Principal(userID: principal.userID) == principal)
        }
        for bad in ["client", "client:", "client:A", "worker:gdpr", "root:x", "client:a:b", "client:-x", "client:x y"] {
            #expect(Principal(userID: bad) == nil, "\(bad)")
        }
    }
}

@Suite struct KeyFileTests {
    @Test func aWorldReadableSecretKeyIsRefusedNamingTheFile() throws {
        try withKeyDirectory { directory in
            try makeKey(Principal(role: .broker, name: "broker"), in: directory)
            let path = KeyRing.brokerSecretPath(in: directory)
            _ = try ServerKeys.read(directory: directory)
            chmod(path, 0o644)
            #expect(throws: KeyFileError.self) { try ServerKeys.read(directory: directory) }
            do {
                _ = try ServerKeys.read(directory: directory)
            } catch {
                #expect("\(error)".contains(path))
                #expect("\(error)".contains("chmod 600"))
            }
        }
    }

    @Test func aMissingOrBrokenKeyIsAnErrorNamingTheFile() throws {
        try withKeyDirectory { directory in
            #expect(throws: KeyFileError.self) { try ServerKeys.read(directory: directory) }
            let folder = directory + "/clients"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "# nothing here\n".write(toFile: folder + "/broken.key", atomically: true, encoding: .utf8)
            do {
                _ = try KeyRing.load(directory, strict: true)
                Issue.record("a broken key file was accepted")
            } catch {
                #expect((error as? KeyFileError)?.path == folder + "/broken.key")
            }
            let (ring, problems) = try KeyRing.load(directory, strict: false)
            #expect(ring.entries.isEmpty)
            #expect(problems.count == 1)
        }
    }

    @Test func generatedFilesHaveTheDocumentedFormatAndModes() throws {
        try withKeyDirectory { directory in
            let pair = try makeKey(Principal(role: .worker, name: "gdpr-1", pack: "gdpr"), in: directory)
            let (publicPath, secretPath) = KeyRing.paths(Principal(role: .worker, name: "gdpr-1", pack: "gdpr"), in: directory)
            #expect(publicPath == directory + "/workers/gdpr/gdpr-1.key")
            var status = stat()
            stat(secretPath, &status)
            #expect(status.st_mode & 0o777 == 0o600)
            let text = try String(contentsOfFile: publicPath, encoding: .utf8)
            let keyLines = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
            #expect(keyLines == [Substring(pair.publicKey)])
            #expect(try ZMQCurve.publicKey(secretKey: KeyFile.readSecret(secretPath).key) == pair.publicKey)
        }
    }
}
