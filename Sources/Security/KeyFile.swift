public import Foundation
import ZeroMQ

/// A CURVE key file: comment lines (`# role: worker`, `# name: gdpr-1`, `# pack: gdpr`) and one line with the
/// key in Z85 (40 characters). `NAME.key` holds the public key, `NAME.key_secret` (mode 0600) the secret key.
/// A pyzmq user reads either with
/// `[l for l in open(path).read().splitlines() if l.strip() and not l.startswith("#")][0]`.
public struct KeyFile: Sendable, Hashable {
    /// The Z85 key.
    public var key: String
    /// The `# name: value` comments.
    public var comments: [String: String]

    public init(key: String, comments: [String: String] = [:]) {
        self.key = key
        self.comments = comments
    }

    /// The file's text.
    public func text(title: String) -> String {
        var lines = ["# \(title)"]
        for name in ["role", "name", "pack"] { if let value = comments[name] { lines.append("# \(name): \(value)") } }
        lines.append(key)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses a key file's text.
    /// - Throws: ``KeyFileError`` when there is not exactly one key line or it is not Z85.
    public init(parsing text: String, path: String) throws(KeyFileError) {
        var keys: [String] = []
        var comments: [String: String] = [:]
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
                if let colon = body.firstIndex(of: ":") {
                    comments[String(body[..<colon]).trimmingCharacters(in: .whitespaces)] = String(body[body.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                }
                continue
            }
            keys.append(line)
        }
        guard keys.count == 1, let key = keys.first else {
            throw KeyFileError(path: path, "must hold exactly one key line (40 characters of Z85), found \(keys.count)")
        }
        guard ZMQCurve.isZ85Key(key) else { throw KeyFileError(path: path, "the key line is not 40 characters of Z85") }
        self.init(key: key, comments: comments)
    }

    /// Reads a public key file.
    public static func readPublic(_ path: String) throws(KeyFileError) -> KeyFile {
        try read(path, secret: false)
    }

    /// Reads a secret key file, refusing one that another user could read (group or world bits set).
    public static func readSecret(_ path: String) throws(KeyFileError) -> KeyFile {
        try read(path, secret: true)
    }

    private static func read(_ path: String, secret: Bool) throws(KeyFileError) -> KeyFile {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw KeyFileError(path: path, errno == ENOENT ? "does not exist" : "cannot be read (\(String(cString: strerror(errno))))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw KeyFileError(path: path, "is not a regular file") }
        if secret, status.st_mode & 0o077 != 0 {
            throw KeyFileError(path: path, "is a secret key readable by other users (mode \(String(status.st_mode & 0o777, radix: 8))); run: chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw KeyFileError(path: path, "cannot be read") }
        let file = try KeyFile(parsing: String(decoding: data, as: UTF8.self), path: path)
        if secret, (try? ZMQCurve.publicKey(secretKey: file.key)) == nil { throw KeyFileError(path: path, "is not a CURVE secret key") }
        return file
    }

    /// Writes `text` to `path` with `mode`, refusing to overwrite an existing file.
    public static func write(_ text: String, to path: String, mode: mode_t) throws(KeyFileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else {
            throw KeyFileError(path: path, errno == EEXIST ? "already exists; remove it first to make a new key" : "cannot be written (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        fchmod(fd, mode)  // not narrowed by the umask
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Foundation.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw KeyFileError(path: path, "could not be written completely")
        }
    }
}

/// A key file that cannot be used, naming the file.
public struct KeyFileError: Error, CustomStringConvertible, Sendable, Hashable {
    public var path: String
    public var message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
