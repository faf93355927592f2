import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// A broker whose journal it may read but not write refuses to start, with a clear error, rather than take
/// requests it cannot record; the journal is left as it was.
///
/// The file is made read-only (0444). Root ignores file modes, so as root the broker runs as `nobody` through
/// `setpriv` (util-linux). A journal that becomes unwritable while the broker runs cannot be produced with file
/// modes (the open file stays writable); the full-journal test covers refusals at run time.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct UnwritableJournalTests {
    /// The first broker stops cleanly (SIGTERM) or is killed (SIGKILL). Killed, it certainly leaves the journal's
    /// write-ahead log files behind, owned by its user; the second broker used to wait on their locks for longer
    /// than this test waits, instead of refusing at once.
    @Test(arguments: [SIGTERM, SIGKILL])
    func aBrokerWithAReadOnlyJournalRefusesToStartAndLeavesTheJournalIntact(firstStop: Int32) throws {
        let folder = NSTemporaryDirectory() + "aiscreen-readonly-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // `nobody` may create the -wal and -shm files next to the journal, but not write the journal itself.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder)
        let journal = folder + "/journal.sqlite"
        // A first broker journals one screening (no workers: a fail-closed needs-review, journaled all the same).
        let cluster = try Cluster(workers: [:], extraConfig: "journal:\n  path: \(journal)\n")
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        let file = try Repo.exampleRequests()[0]
        try requester.send("kept", body: try exampleBody(file, id: "kept"))
        let kept = try #require(try requester.collect(["kept"])["kept"]?.first)
        guard case .final(_, _, let answered) = kept else {
            Issue.record("no FINAL: \(kept)")
            return
        }
        if firstStop == SIGKILL {
            cluster.broker.kill(SIGKILL)
            _ = cluster.broker.exitStatus()
            #expect(FileManager.default.fileExists(atPath: journal + "-shm"), "a killed broker leaves the log files")
        } else {
            _ = try cluster.broker.stopBroker()
        }

        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: journal)
        let broker = ["broker", "--insecure", "--config", cluster.configPath, "--client", "tcp://127.0.0.1:*", "--worker", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*"]
        let readOnly =
            geteuid() == 0
            ? try Child(["--reuid=65534", "--regid=65534", "--clear-groups", Repo.binary] + broker, executable: "setpriv", captureStandardError: true)
            : try Child(broker, captureStandardError: true)
        #expect(readOnly.exitStatus(within: 30) == 1)
        #expect(!readOnly.output.contains { $0.contains("\"listening\"") }, "the broker listened with a read-only journal")
        let said = readOnly.errorOutput.joined(separator: "\n")
        #expect(said.contains("cannot open the journal") && said.contains("read-only"), "\(said)")

        // Nothing changed: the chain verifies and the verdict is there, byte for byte.
        let (verified, report) = try PythonClientAndRestartTests.run([Repo.binary, "journal", "verify", "--journal", journal])
        #expect(verified == 0 && report.hasPrefix("OK: 2 entries"), "\(report)")
        let (found, stored) = try PythonClientAndRestartTests.run([Repo.binary, "verdict", "kept", "--json", "--journal", journal])
        #expect(found == 0 && stored == String(decoding: answered, as: UTF8.self))
    }
}
