import Foundation
public import ZeroMQ

/// The key directory (`security.keys`, default `keys/`):
///
/// ```
/// keys/broker/broker.key          the broker's public key (give it to every peer)
/// keys/broker/broker.key_secret   the broker's secret key (mode 0600, stays on the broker host)
/// keys/clients/NAME.key           client keys allowed on the client endpoint
/// keys/auditors/NAME.key          clients that may also fetch any verdict
/// keys/admins/NAME.key            clients that may also use admin services
/// keys/workers/PACK/NAME.key      worker keys, each allowed to serve PACK only
/// keys/subscribers/NAME.key       keys allowed on the verdict feed
/// ```
///
/// `aiscreen keys generate` writes `NAME.key_secret` beside each public key; copy it to the peer's host and
/// delete it here. The broker reads only the public `*.key` files of peers, afresh for every handshake, so adding
/// or deleting a file allows or revokes a key for new connections without a restart.
public struct KeyRing: Sendable {
    /// One allowed public key.
    public struct Entry: Sendable, Hashable {
        public var principal: Principal
        /// Z85.
        public var publicKey: String
        public var path: String
    }

    public let directory: String
    public private(set) var entries: [Entry] = []

    /// Where a key of `principal` lives: `(public, secret)` paths.
    public static func paths(_ principal: Principal, in directory: String) -> (publicKey: String, secretKey: String) {
        var folder = directory + "/" + principal.role.folder
        if let pack = principal.pack { folder += "/" + pack }
        let base = folder + "/" + principal.name + ".key"
        return (base, base + "_secret")
    }

    /// The broker's key pair path (`keys/broker/broker.key_secret`).
    public static func brokerSecretPath(in directory: String) -> String {
        paths(Principal(role: .broker, name: "broker"), in: directory).secretKey
    }

    /// Reads every public key under `directory`.
    /// - Parameter strict: throw on the first unusable file (at start-up); otherwise skip it and report it.
    /// - Returns: the ring and the files that were skipped.
    public static func load(_ directory: String, strict: Bool) throws(KeyFileError) -> (KeyRing, [KeyFileError]) {
        var ring = KeyRing(directory: directory)
        var problems: [KeyFileError] = []
        let files = FileManager.default
        for role in Role.allCases where role != .broker && role != .signer {
            let folder = directory + "/" + role.folder
            var groups: [(pack: String?, folder: String)] = []
            if role == .worker {
                for pack in ((try? files.contentsOfDirectory(atPath: folder)) ?? []).sorted() where Principal.isValidName(pack) {
                    groups.append((pack, folder + "/" + pack))
                }
            } else {
                groups.append((nil, folder))
            }
            for (pack, path) in groups {
                for file in ((try? files.contentsOfDirectory(atPath: path)) ?? []).sorted() where file.hasSuffix(".key") {
                    let name = String(file.dropLast(4))
                    let full = path + "/" + file
                    do throws(KeyFileError) {
                        guard Principal.isValidName(name) else {
                            throw KeyFileError(path: full, "the key name must be 1-64 of a-z, 0-9, '.', '_', '-'")
                        }
                        let key = try KeyFile.readPublic(full)
                        ring.entries.append(Entry(principal: Principal(role: role, name: name, pack: pack), publicKey: key.key, path: full))
                    } catch {
                        if strict { throw error }
                        problems.append(error)
                    }
                }
            }
        }
        return (ring, problems)
    }

    /// The principals a public key (Z85) is registered as.
    public func principals(for publicKey: String) -> [Principal] {
        entries.filter { $0.publicKey == publicKey }.map(\.principal)
    }

    /// A short, printable fingerprint of a public key for logs: its first 12 Z85 characters.
    public static func fingerprint(_ publicKey: String) -> String { String(publicKey.prefix(12)) }
}

/// The broker's own CURVE key pair.
public struct ServerKeys: Sendable, Hashable {
    public var publicKey: String
    public var secretKey: String

    public init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Reads `keys/broker/broker.key_secret` (mode 0600).
    public static func read(directory: String) throws(KeyFileError) -> ServerKeys {
        let path = KeyRing.brokerSecretPath(in: directory)
        let secret = try KeyFile.readSecret(path)
        do {
            return ServerKeys(publicKey: try ZMQCurve.publicKey(secretKey: secret.key), secretKey: secret.key)
        } catch {
            throw KeyFileError(path: path, "is not a CURVE secret key")
        }
    }
}

/// A CURVE client's keys: its own pair and the broker's public key.
public struct ClientKeys: Sendable, Hashable {
    public var publicKey: String
    public var secretKey: String
    public var serverKey: String

    public init(publicKey: String, secretKey: String, serverKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
        self.serverKey = serverKey
    }

    /// Reads a secret key file (mode 0600) and the broker's public key file.
    public static func read(secretKey path: String, brokerKey brokerPath: String) throws(KeyFileError) -> ClientKeys {
        let secret = try KeyFile.readSecret(path)
        let server = try KeyFile.readPublic(brokerPath)
        guard let publicKey = try? ZMQCurve.publicKey(secretKey: secret.key) else { throw KeyFileError(path: path, "is not a CURVE secret key") }
        return ClientKeys(publicKey: publicKey, secretKey: secret.key, serverKey: server.key)
    }

    /// Makes `socket` a CURVE client of the broker. Call before `connect`.
    public func apply(to socket: ZMQSocket) throws(ZMQError) {
        try socket.set(.curveServerKey, to: serverKey)
        try socket.set(.curvePublicKey, to: publicKey)
        try socket.set(.curveSecretKey, to: secretKey)
    }
}
