import Foundation
import ZeroMQ

/// Pack signers' Ed25519 keys in the key-file format (``KeyFile``: comments and one Z85 line of 32 bytes):
/// `signers/NAME.key` (public: what a deployment trusts, `packs.trusted_signers`) and `NAME.key_secret` (mode 0600:
/// what `aiscreen pack bundle --sign` signs with). Not ZeroMQ keys: they never connect anywhere.
public enum SignerKeyFiles {
    /// One trusted signer's public key.
    public struct PublicKey: Sendable, Hashable {
        public var name: String
        public var key: [UInt8]
        public var path: String
    }

    /// The signers' public keys in `directory` (`*.key`, each with `# role: signer`), by file name; a missing
    /// directory has none.
    /// - Returns: the keys, and the files that were skipped with why.
    public static func load(_ directory: String) -> (keys: [PublicKey], problems: [KeyFileError]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".key") }.sorted()
        var keys: [PublicKey] = []
        var problems: [KeyFileError] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            do throws(KeyFileError) {
                let file = try KeyFile.readPublic(path)
                guard file.comments["role"] == Role.signer.rawValue else { throw KeyFileError(path: path, "is not a signer's key (# role: signer)") }
                guard let key = ZMQCurve.decode(file.key) else { throw KeyFileError(path: path, "the key line is not Z85") }
                keys.append(PublicKey(name: file.comments["name"] ?? String(name.dropLast(4)), key: key, path: path))
            } catch {
                problems.append(error)
            }
        }
        return (keys, problems)
    }

    /// Reads a signer's secret key file (mode 0600).
    /// - Returns: the signer's name (`# name:`, else the file name) and the 32-byte private key.
    public static func readSecret(_ path: String) throws(KeyFileError) -> (name: String, key: [UInt8]) {
        let file = try KeyFile.readSecret(path)
        guard file.comments["role"] == Role.signer.rawValue else {
            throw KeyFileError(path: path, "is not a signer's secret key (# role: signer); make one with 'aiscreen keys generate --role signer --name NAME'")
        }
        guard let key = ZMQCurve.decode(file.key) else { throw KeyFileError(path: path, "the key line is not Z85") }
        let base = (path as NSString).lastPathComponent
        return (file.comments["name"] ?? String(base.prefix { $0 != "." }), key)
    }

    /// Writes a new signer's key pair (raw 32-byte keys) to `directory/NAME.key` and `NAME.key_secret` (0600).
    /// - Returns: the two paths.
    public static func write(name: String, publicKey: [UInt8], secretKey: [UInt8], in directory: String) throws(KeyFileError) -> (publicPath: String, secretPath: String) {
        let publicPath = (directory as NSString).appendingPathComponent(name + ".key")
        let secretPath = publicPath + "_secret"
        guard let publicText = ZMQCurve.encode(publicKey), let secretText = ZMQCurve.encode(secretKey) else {
            throw KeyFileError(path: publicPath, "the key is not 32 bytes")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw KeyFileError(path: directory, "cannot be created (\(error.localizedDescription))")
        }
        if FileManager.default.fileExists(atPath: publicPath) || FileManager.default.fileExists(atPath: secretPath) {
            throw KeyFileError(path: publicPath, "already exists; remove it (and its .key_secret) first to make a new key")
        }
        let comments = ["role": Role.signer.rawValue, "name": name]
        try KeyFile.write(KeyFile(key: secretText, comments: comments).text(title: "aiscreen pack signer's Ed25519 secret key: keep it private (mode 0600)"), to: secretPath, mode: 0o600)
        try KeyFile.write(KeyFile(key: publicText, comments: comments).text(title: "aiscreen pack signer's Ed25519 public key: trusted signers keep this"), to: publicPath, mode: 0o644)
        return (publicPath, secretPath)
    }
}
