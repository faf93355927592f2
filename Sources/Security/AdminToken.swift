internal import Foundation

/// The secret that stands in for an admin key on a broker without CURVE: a file `admin.token` (mode 0600) in the key
/// directory, which a broker without keys makes at its start (or reuses), and which `aiscreen pack deploy` and
/// `pack rollback` read and send. Only a process of the user who runs the broker (or root) can read it, so another
/// local user cannot change the active packs through the loopback endpoint.
public enum AdminToken {
    /// `<keys>/admin.token`.
    public static func path(in keysDirectory: String) -> String {
        (keysDirectory.hasSuffix("/") ? keysDirectory : keysDirectory + "/") + "admin.token"
    }

    /// The token in the key directory: the one there when it is a valid token file, else a new one written there.
    /// - Throws: ``KeyFileError`` when the file exists but is not a token, is readable by others, or cannot be written.
    public static func prepare(in keysDirectory: String) throws(KeyFileError) -> String {
        let file = path(in: keysDirectory)
        if FileManager.default.fileExists(atPath: file) { return try read(in: keysDirectory) }
        do {
            try FileManager.default.createDirectory(atPath: keysDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw KeyFileError(path: keysDirectory, "cannot be created (\(error.localizedDescription))")
        }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        try KeyFile.write(token + "\n", to: file, mode: 0o600)
        return token
    }

    /// Reads the token file.
    /// - Throws: ``KeyFileError`` when it is missing, readable by others, or not 64 hex digits.
    public static func read(in keysDirectory: String) throws(KeyFileError) -> String {
        let file = path(in: keysDirectory)
        var status = stat()
        guard stat(file, &status) == 0 else {
            throw KeyFileError(path: file, errno == ENOENT ? "does not exist (a broker without CURVE keys writes it when it starts)" : "cannot be read")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw KeyFileError(path: file, "is not a regular file") }
        guard status.st_mode & 0o077 == 0 else {
            throw KeyFileError(path: file, "is readable by other users (mode \(String(status.st_mode & 0o777, radix: 8))); run: chmod 600 \(file)")
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw KeyFileError(path: file, "cannot be read") }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.utf8.count == 64, token.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw KeyFileError(path: file, "is not an admin token (64 lower-case hex digits); delete it and restart the broker")
        }
        return token
    }

    /// Whether `offered` is `expected`, compared in constant time.
    public static func matches(_ offered: String, _ expected: String) -> Bool {
        let a = Array(offered.utf8)
        let b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
