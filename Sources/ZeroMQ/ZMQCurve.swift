internal import CZeroMQ

/// CURVE security (RFC 26 CurveZMQ, RFC 27 ZAP) as libzmq provides it: key pairs, their Z85 text form, and the
/// socket options that turn it on.
///
/// A CURVE server (``ZMQSocketOption/curveServer`` and its ``ZMQSocketOption/curveSecretKey``) accepts only
/// clients that know its public key; every connection is encrypted and each client is authenticated by its own key
/// pair. Which client keys are *allowed* is decided by a ZAP handler (a REP socket bound to
/// ``ZMQCurve/zapEndpoint`` in the same context): **without a handler libzmq accepts every client key**.
public enum ZMQCurve {
    /// Where libzmq sends ZAP requests (RFC 27) for the sockets of a context.
    public static let zapEndpoint = "inproc://zeromq.zap.01"

    /// Whether the linked libzmq was built with CURVE (`zmq_has("curve")`).
    public static var isAvailable: Bool { zmq_has("curve") != 0 }

    /// A new key pair, each key as 40 characters of Z85 (`zmq_curve_keypair`).
    /// - Throws: ``ZMQError/notSupported`` when libzmq has no CURVE.
    public static func keyPair() throws(ZMQError) -> (publicKey: String, secretKey: String) {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else { throw ZMQError.last("zmq_curve_keypair") }
        return (String(decoding: publicKey.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self),
                String(decoding: secretKey.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// The public key of a Z85 secret key (`zmq_curve_public`).
    /// - Throws: ``ZMQError/invalidArgument`` when `secretKey` is not 40 characters of Z85.
    public static func publicKey(secretKey: String) throws(ZMQError) -> String {
        guard isZ85Key(secretKey) else { throw ZMQError(errno: EINVAL, operation: "zmq_curve_public") }
        var publicKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicKey, secretKey) == 0 else { throw ZMQError.last("zmq_curve_public") }
        return String(decoding: publicKey.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The 32 key bytes of a Z85 key (`zmq_z85_decode`), nil when it is not 40 characters of Z85.
    public static func decode(_ z85: String) -> [UInt8]? {
        guard isZ85Key(z85) else { return nil }
        var bytes = [UInt8](repeating: 0, count: 32)
        guard zmq_z85_decode(&bytes, z85) != nil else { return nil }
        return bytes
    }

    /// The Z85 text of 32 key bytes (`zmq_z85_encode`).
    public static func encode(_ key: [UInt8]) -> String? {
        guard key.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: 41)
        guard zmq_z85_encode(&text, key, 32) != nil else { return nil }
        return String(decoding: text.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `text` has the shape of a Z85 CURVE key: 40 characters of the Z85 alphabet.
    public static func isZ85Key(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 40 && bytes.allSatisfy { z85Alphabet.contains($0) }
    }

    private static let z85Alphabet = Set(Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8))
}

extension ZMQSocketOption where Value == Bool {
    /// `ZMQ_CURVE_SERVER`: this socket is a CURVE server (set ``curveSecretKey`` too). Set before bind.
    public static var curveServer: Self {
        Self(name: ZMQ_CURVE_SERVER, label: "ZMQ_CURVE_SERVER", representation: .int32, encode: { .int32($0 ? 1 : 0) }, decode: { $0.int32 != 0 })
    }
}

extension ZMQSocketOption where Value == String {
    /// `ZMQ_CURVE_SECRETKEY`: this socket's secret key (Z85). Set before bind or connect.
    public static var curveSecretKey: Self { z85(ZMQ_CURVE_SECRETKEY, "ZMQ_CURVE_SECRETKEY") }
    /// `ZMQ_CURVE_PUBLICKEY`: a CURVE client's own public key (Z85).
    public static var curvePublicKey: Self { z85(ZMQ_CURVE_PUBLICKEY, "ZMQ_CURVE_PUBLICKEY") }
    /// `ZMQ_CURVE_SERVERKEY`: the public key of the CURVE server a client connects to (Z85); setting it makes the
    /// socket a CURVE client.
    public static var curveServerKey: Self { z85(ZMQ_CURVE_SERVERKEY, "ZMQ_CURVE_SERVERKEY") }
    /// `ZMQ_ZAP_DOMAIN`: the domain sent with this socket's ZAP requests (RFC 27), so one handler can tell the
    /// endpoints apart.
    public static var zapDomain: Self {
        Self(
            name: ZMQ_ZAP_DOMAIN, label: "ZMQ_ZAP_DOMAIN", representation: .bytes(capacity: 256),
            encode: { .bytes(Array($0.utf8)) },
            decode: { raw in
                let bytes = raw.bytes
                return String(decoding: bytes[..<(bytes.firstIndex(of: 0) ?? bytes.endIndex)], as: UTF8.self)
            })
    }

    private static func z85(_ name: Int32, _ label: String) -> Self {
        // libzmq takes a 40-character Z85 string (41 bytes with its NUL) and returns it that way.
        Self(
            name: name, label: label, representation: .bytes(capacity: 41),
            encode: { .bytes(Array($0.utf8) + [0]) },
            decode: { raw in
                let bytes = raw.bytes
                return String(decoding: bytes[..<(bytes.firstIndex(of: 0) ?? bytes.endIndex)], as: UTF8.self)
            })
    }
}
