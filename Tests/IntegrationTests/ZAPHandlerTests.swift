import Broker
import Foundation
import Logging
import RulePacks
import RulesEngine
import Security
import Synchronization
import Testing
import ZeroMQ

/// Why the broker must never serve CURVE without its own ZAP handler, and that it does not.
@Suite(.serialized)
struct ZAPHandlerTests {
    /// libzmq's behaviour the broker guards against: a CURVE server in a context without a ZAP handler lets every
    /// client key in.
    @Test func withoutAZAPHandlerLibzmqAcceptsAnyClientKey() throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let server = try ZMQCurve.keyPair()
        let router = try context.socket(.router)
        defer { router.close() }
        try router.set(.linger, to: 0)
        try router.set(.curveServer, to: true)
        try router.set(.curveSecretKey, to: server.secretKey)
        try router.set(.receiveTimeout, to: 5_000)
        try router.bind("tcp://127.0.0.1:*")
        let stranger = try ZMQCurve.keyPair()
        let client = try context.socket(.dealer)
        defer { client.close() }
        try client.set(.linger, to: 0)
        try ClientKeys(publicKey: stranger.publicKey, secretKey: stranger.secretKey, serverKey: server.publicKey).apply(to: client)
        try client.connect(try router.lastEndpoint)
        try client.send([Array("hello".utf8)])
        #expect(try router.receiveMultipart() != nil, "libzmq changed: an unknown key no longer gets in without a ZAP handler")
    }

    /// The broker binds its ZAP handler before any CURVE socket and gives up when it cannot: it never serves with
    /// another handler, or none.
    @Test func theBrokerDoesNotRunWhenItCannotBindItsZAPHandler() throws {
        let keys = NSTemporaryDirectory() + "aiscreen-zap-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: keys) }
        try FileManager.default.createDirectory(atPath: keys + "/broker", withIntermediateDirectories: true)
        let pair = try ZMQCurve.keyPair()
        try KeyFile.write(KeyFile(key: pair.secretKey).text(title: "secret"), to: KeyRing.brokerSecretPath(in: keys), mode: 0o600)
        let loaded = PackLoader().load(directory: Repo.path("rules/gdpr"))
        let pack = try #require(loaded.pack)
        let context = try ZMQContext()
        defer { context.terminate() }
        // Someone else's handler that would say yes to everybody.
        let squatter = try context.socket(.rep)
        defer { squatter.close() }
        try squatter.set(.linger, to: 0)
        try squatter.bind(ZMQCurve.zapEndpoint)
        let any = "tcp://127.0.0.1:*"
        let broker = try BrokerService(
            configuration: BrokerConfiguration(active: [ActivePack(id: pack.id, version: pack.version, digest: pack.digest)]),
            endpoints: BrokerEndpoints(client: any, worker: any, publish: any), schema: pack.schema,
            security: BrokerSecurity(serverKeys: try ServerKeys.read(directory: keys), keyDirectory: keys),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), context: context)
        let listened = Mutex(false)
        #expect(throws: ZMQError.self) { try broker.run { _ in listened.withLock { $0 = true } } }
        #expect(listened.withLock { $0 } == false, "the broker listened without its own ZAP handler")
    }
}
