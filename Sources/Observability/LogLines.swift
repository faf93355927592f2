#if canImport(Glibc)
import Glibc
#endif
public import Logging
import RulesEngine
import Synchronization

/// How log lines look.
public enum LogFormat: String, Sendable, CaseIterable {
    /// One JSON object per line: `{"ts","level","event","source", …facts}` (the default: for log collectors).
    case json
    /// `TS LEVEL EVENT key=value …` for people at a terminal.
    case text
}

/// A swift-log handler that writes one line per event to standard error: the timestamp (UTC, milliseconds), the
/// level, the event (the log message, e.g. `worker-joined`), the logger's label as `source`, and the metadata as
/// facts in key order. The callers log names and ids only (pack, principal, request id, worker, reason), never a
/// request body or evidence value; every value is escaped, so nothing in one reaches a terminal as control
/// characters or breaks a JSON line.
public struct LogLineHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let label: String
    let format: LogFormat
    let sink: LogSink

    /// - Parameters:
    ///   - label: the logger's label (`aiscreen.broker`), written as `source`.
    ///   - format: JSON or text.
    ///   - level: the lowest level written.
    ///   - sink: where lines go (standard error unless a test collects them).
    public init(label: String, format: LogFormat, level: Logger.Level = .info, sink: LogSink = .standardError) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var facts = metadata
        if let extra = event.metadata { facts.merge(extra) { _, new in new } }
        sink.write(Self.line(
            timestamp: Self.now(), level: event.level, event: "\(event.message)", source: label, facts: facts, format: format))
    }

    /// One line (without its newline). Pure, for tests.
    public static func line(timestamp: String, level: Logger.Level, event: String, source: String, facts: Logger.Metadata, format: LogFormat) -> String {
        let keys = facts.keys.sorted()
        switch format {
        case .json:
            var members: [(String, JSONValue)] = [("ts", .string(timestamp)), ("level", .string(level.rawValue)), ("event", .string(event)), ("source", .string(source))]
            for key in keys where !["ts", "level", "event", "source"].contains(key) { members.append((key, .string(text(facts[key]!)))) }
            return JSONWriter.string(.object(members))
        case .text:
            var line = "\(timestamp) \(level.rawValue.uppercased()) \(TerminalText.escaped(event))"
            for key in keys {
                let value = TerminalText.escaped(text(facts[key]!))
                let quoted = value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) ? "\"" + value.replacing("\"", with: "\\\"") + "\"" : value
                line += " \(TerminalText.escaped(key))=\(quoted)"
            }
            return line
        }
    }

    static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array(let items): items.map(text).joined(separator: " ")
        case .dictionary(let members): members.keys.sorted().map { "\($0)=\(text(members[$0]!))" }.joined(separator: " ")
        }
    }

    /// `2026-12-02T10:00:00.123Z`.
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var parts = tm()
        var seconds = spec.tv_sec
        gmtime_r(&seconds, &parts)
        func pad(_ n: Int32, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(spec.tv_nsec / 1_000_000), 3))Z"
    }
}

/// Where log lines go: whole lines, one write each, so lines of several threads never interleave.
public final class LogSink: Sendable {
    private let collects: Bool
    private let lines = Mutex<[String]>([])

    private init(collecting: Bool) {
        collects = collecting
    }

    /// Standard error.
    public static let standardError = LogSink(collecting: false)

    /// Keeps the lines in memory (tests).
    public static func collecting() -> LogSink { LogSink(collecting: true) }

    /// The lines kept so far (a collecting sink).
    public var collected: [String] { lines.withLock { $0 } }

    func write(_ line: String) {
        if collects {
            lines.withLock { $0.append(line) }
            return
        }
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }
}
