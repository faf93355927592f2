import Logging
import Observability
import RulesEngine
import Testing

@testable import Broker

/// One log line per event, in both formats: facts in key order, control characters and quotes escaped, so a
/// value (a worker's DISCONNECT reason, a peer's name) can neither break a JSON line nor drive a terminal.
struct LogLineTests {
    @Test func jsonLinesCarryTheEventAndEscapeEveryValue() throws {
        let line = LogLineHandler.line(
            timestamp: "2026-12-02T10:00:00.000Z", level: .warning, event: "worker-refused", source: "aiscreen.broker",
            facts: ["reason": "bad\n{\"x\":1}\u{1B}[2J", "pack": "gdpr", "level": "forged"], format: .json)
        #expect(!line.contains("\n"))
        let value = try JSONParser().parse(Array(line.utf8))
        #expect(value["event"] == .string("worker-refused"))
        #expect(value["level"] == .string("warning"), "a fact cannot overwrite the line's own members")
        #expect(value["reason"] == .string("bad\n{\"x\":1}\u{1B}[2J"), "kept as data, escaped as JSON")
        #expect(line.hasPrefix(#"{"ts":"2026-12-02T10:00:00.000Z","level":"warning","event":"worker-refused","source":"aiscreen.broker","pack":"gdpr""#))
    }

    @Test func textLinesAreOneLineWithoutControlCharacters() {
        let line = LogLineHandler.line(
            timestamp: "2026-12-02T10:00:00.000Z", level: .info, event: "worker-left", source: "aiscreen.broker",
            facts: ["reason": "gone away\n\u{1B}[31mred", "pack": "gdpr"], format: .text)
        #expect(!line.contains("\n") && !line.contains("\u{1B}"))
        #expect(line.hasPrefix("2026-12-02T10:00:00.000Z INFO worker-left pack=gdpr reason=\""))
    }

    @Test func brokerEventsGoThroughTheLoggerWithTheirLevel() {
        let sink = LogSink.collecting()
        let logger = Logger(label: "aiscreen.broker") { label in LogLineHandler(label: label, format: .json, sink: sink) }
        logger.log(BrokerEvent("failed-closed", ["request_id": "r-1", "packs": "gdpr:worker-lost"]))
        logger.log(BrokerEvent("worker-joined", ["pack": "gdpr"]))
        #expect(sink.collected.count == 2)
        #expect(sink.collected[0].contains(#""level":"warning","event":"failed-closed""#))
        #expect(sink.collected[1].contains(#""level":"info","event":"worker-joined""#))
    }
}
