/// Where the HTTP server listens: `HOST:PORT` (`127.0.0.1:8080`, `localhost:8080`, `[::1]:8080`, `0.0.0.0:8080`).
/// Port 0 picks a free port; the server reports the one it bound.
public struct HTTPEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The host name or address, without brackets for IPv6.
    public var host: String
    /// The TCP port (0: any free port).
    public var port: Int

    /// - Parameters:
    ///   - host: a host name or address.
    ///   - port: 0 to 65535.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; `[V6]:PORT` for an IPv6 address.
    /// - Throws: ``HTTPEndpointError`` naming what is wrong with `text`.
    public init(parsing text: String) throws(HTTPEndpointError) {
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw HTTPEndpointError(text, "an IPv6 address is written [ADDRESS]:PORT")
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw HTTPEndpointError(text, "expected HOST:PORT, e.g. 127.0.0.1:8080") }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            if host.contains(":") { throw HTTPEndpointError(text, "write an IPv6 address in brackets: [ADDRESS]:PORT") }
        }
        guard !host.isEmpty, !host.contains("/") else { throw HTTPEndpointError(text, "the host is missing") }
        guard let number = Int(port), (0...65_535).contains(number), port.allSatisfy(\.isASCII) else {
            throw HTTPEndpointError(text, "the port must be a number from 0 to 65535")
        }
        self.init(host: String(host), port: number)
    }

    /// Whether only processes on this host can reach it: `localhost`, 127.0.0.0/8 or `::1`.
    public var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// `HOST:PORT`, with brackets around an IPv6 address.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The `http://` URL of this endpoint.
    public var url: String { "http://\(description)" }
}

/// An `http.endpoint` (or `--http`, `AISCREEN_HTTP_ENDPOINT`) that is not `HOST:PORT`.
public struct HTTPEndpointError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text as given.
    public var text: String
    /// What is wrong with it.
    public var reason: String

    init(_ text: String, _ reason: String) {
        self.text = text
        self.reason = reason
    }

    public var description: String { "'\(text)' is not an HTTP endpoint: \(reason)" }
}
