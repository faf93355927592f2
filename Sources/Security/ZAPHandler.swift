import Foundation
public import ZeroMQ

/// The broker's ZAP handler (RFC 27): a REP socket on ``ZMQCurve/zapEndpoint`` in the broker's context that
/// answers every CURVE handshake of the broker's sockets. It re-reads the key directory for every request, so a
/// deleted public key file is refused from the next connection on.
///
/// libzmq accepts **every** CURVE client when no handler is bound, so the handler must live as long as the
/// broker's sockets: bind it before them, and stop the broker if ``handle()`` throws (``BrokerService`` polls it
/// in its own loop, so the two cannot part).
public final class ZAPHandler {
    /// A handshake refused or allowed, for the broker's log.
    public struct Outcome: Sendable, Hashable {
        public var domain: String
        public var address: String
        /// The key's fingerprint (``KeyRing/fingerprint(_:)``), or `-` without a key.
        public var fingerprint: String
        public var decision: ZAPPolicy.Decision
    }

    public let socket: ZMQSocket
    public let directory: String
    private var policy = ZAPPolicy()

    /// Binds the handler in `context`.
    /// - Throws: ``ZMQError/addressInUse`` when another handler is bound in this context.
    public init(context: ZMQContext, keyDirectory: String) throws(ZMQError) {
        socket = try context.socket(.rep)
        try socket.set(.linger, to: 0)
        try socket.bind(ZMQCurve.zapEndpoint)
        directory = keyDirectory
    }

    /// Answers every waiting ZAP request (without blocking).
    /// - Returns: what was decided, one per request.
    /// - Throws: ``ZMQError`` when the socket fails: the broker must stop.
    public func handle() throws(ZMQError) -> [Outcome] {
        var outcomes: [Outcome] = []
        while let frames = try socket.receiveMultipart(flags: .dontWait) {
            let (reply, outcome) = answer(frames)
            try socket.send(reply)
            if let outcome { outcomes.append(outcome) }
        }
        return outcomes
    }

    /// The reply frames to one request.
    func answer(_ frames: [[UInt8]]) -> ([[UInt8]], Outcome?) {
        // 1.0, request id, domain, address, identity, mechanism, credentials…
        let requestID = frames.count > 1 ? frames[1] : []
        func reply(_ status: String, _ text: String, _ userID: String) -> [[UInt8]] {
            [Array("1.0".utf8), requestID, Array(status.utf8), Array(text.utf8), Array(userID.utf8), []]
        }
        guard frames.count >= 6, frames[0] == Array("1.0".utf8) else {
            return (reply("500", "malformed ZAP request", ""), nil)
        }
        let text = { (bytes: [UInt8]) in String(decoding: bytes, as: UTF8.self) }
        let mechanism = text(frames[5])
        var publicKey: String?
        if mechanism == "CURVE", frames.count >= 7, frames[6].count == 32 { publicKey = ZMQCurve.encode(frames[6]) }
        let request = ZAPPolicy.Request(domain: text(frames[2]), address: text(frames[3]), routingID: frames[4], mechanism: mechanism, publicKey: publicKey)
        let decision: ZAPPolicy.Decision
        do {
            let (ring, _) = try KeyRing.load(directory, strict: false)
            decision = policy.decide(request, ring: ring)
        } catch {
            decision = .deny("the key directory cannot be read: \(error)")
        }
        let outcome = Outcome(domain: request.domain, address: request.address, fingerprint: publicKey.map(KeyRing.fingerprint) ?? "-", decision: decision)
        switch decision {
        case .allow(let principal): return (reply("200", "OK", principal.userID), outcome)
        case .deny(let reason): return (reply("400", reason, ""), outcome)
        }
    }
}
