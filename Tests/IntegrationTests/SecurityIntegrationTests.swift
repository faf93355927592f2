import Foundation
import RulesEngine
import Testing
import Wire
import ZeroMQ

/// The attacks of the trust issue, each with real processes and an independent pyzmq peer (Peers/peer.py).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct SecurityIntegrationTests {
    static let keystrokeLogger = Repo.path("examples/requests/17-covert-keystroke-logging.json")

    /// An example request under a fresh id, as a file for peer.py.
    static func bodyFile(_ example: String = keystrokeLogger, id: String) throws -> String {
        let path = NSTemporaryDirectory() + "aiscreen-body-\(UUID().uuidString).json"
        try Data(try exampleBody(example, id: id)).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func verdict(_ reply: JSONValue) throws -> String? {
        guard reply["event"] == .string("final"), case .string(let verdict)? = reply["verdict"] else { return nil }
        return verdict
    }

    /// The active digest of a pack, as anyone can read it off the feed or `mmi.packs`.
    static func activeDigest(_ cluster: Cluster, _ pack: String) throws -> String {
        let socket = try cluster.dealer()
        defer { socket.close() }
        let requester = Requester(socket: socket)
        try requester.send("mmi-packs", body: [], service: .mmiPacks)
        let reply = try #require(try requester.collect(["mmi-packs"])["mmi-packs"]?.first)
        guard case .array(let packs)? = reply.finalJSON?["packs"], let entry = packs.first(where: { $0["id"] == .string(pack) }),
            case .string(let digest)? = entry["digest"]
        else { throw HarnessError(description: "mmi.packs has no \(pack)") }
        return digest
    }

    // MARK: - Pinned packs

    @Test func aRogueWorkerWithAMadeUpDigestOrAnotherVersionIsRefusedNamingTheActiveDigestAndJudgesNothing() throws {
        try requirePyzmq()
        let cluster = try Cluster(workers: ["ai-act": 1, "gdpr": 1, "workplace": 1])
        let active = try Self.activeDigest(cluster, "gdpr")
        for (version, digest) in [("1.0.0", "sha256:" + String(repeating: "0", count: 64)), ("0.0.1", active), ("9.9.9", "sha256:forged")] {
            let rogue = try peer(["worker", "--endpoint", cluster.worker, "--pack", "gdpr", "--version", version, "--digest", digest, "--seconds", "5"])
            let line = try rogue.line(within: 15) { $0.contains("\"disconnect\"") || $0.contains("\"request\"") || $0.contains("\"end\"") }
            let event = try JSONParser().parse(line)
            #expect(event["event"] == .string("disconnect"), "a worker of \(version) \(digest) was not refused: \(line)")
            if case .string(let reason)? = event["reason"] { #expect(reason.contains(active), "the reason names the active digest: \(reason)") }
        }
        // None of them judged anything: the keystroke logger is still rejected, by the honest workers.
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        try requester.send("kl-1", body: try exampleBody(Self.keystrokeLogger, id: "kl-1"))
        let reply = try #require(try requester.collect(["kl-1"])["kl-1"]?.first)
        #expect(reply.finalJSON?["verdict"] == .string("rejected"))
        let counters = try cluster.broker.stopBroker()
        #expect(counters["workers_refused"] == .int(3))
    }

    @Test func aFreshUpOpensNoWorkerEndpointSoNoProcessCanRegisterAsAWorker() throws {
        try requirePyzmq()
        let workerEndpoint = try freeEndpoint()
        let journal = NSTemporaryDirectory() + "aiscreen-up-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm", ".lock", ".head"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
        let up = try Child(["up", "--client", "tcp://127.0.0.1:*", "--worker", workerEndpoint, "--publish", "tcp://127.0.0.1:*", "--journal", journal, "--keys", NSTemporaryDirectory() + "no-keys-\(UUID().uuidString)"])
        defer {
            up.kill(SIGTERM)
            _ = up.exitStatus(within: 10)
        }
        let ready = try JSONParser().parse(try up.line { $0.contains("\"ready\"") })
        #expect(ready["worker"] == .null)
        guard case .string(let client)? = ready["client"] else { throw HarnessError(description: "\(ready)") }
        let rogue = try peer(["worker", "--endpoint", workerEndpoint, "--pack", "gdpr", "--digest", "sha256:x", "--seconds", "3"])
        _ = try rogue.line(within: 15) { $0.contains("\"end\"") }
        #expect(!rogue.output.contains { $0.contains("\"request\"") })
        let answer = try peer(["client", "--endpoint", client, "--id", "kl-up", "--body", try Self.bodyFile(id: "kl-up"), "--seconds", "15"])
        let final = try answer.event(within: 25)
        #expect(try Self.verdict(final) == "rejected")
    }

    // MARK: - CURVE and ZAP roles

    /// The HTTP server reads the broker's feed in its process: with CURVE on and no subscriber key on the host,
    /// `/api/events` still gets every verdict (before, it warned and stayed empty).
    @Test func theDashboardOfACurveBrokerShowsVerdictsWithoutASubscriberKey() throws {
        try requirePyzmq()
        let cluster = try SecureCluster(journal: true, brokerArguments: ["--http", "127.0.0.1:0"])
        let base = try #require(cluster.http)
        #expect(!cluster.broker.errorOutput.joined(separator: "\n").contains("client_key"), "no warning about a missing subscriber key")
        let reader = try HTTPPeer.events(base, count: 1)
        _ = try reader.line { $0.contains("\"open\"") }
        let reply = try cluster.ask(["--id", "curve-live", "--body", try Self.bodyFile(id: "curve-live")], as: "clients/procurement")
        #expect(reply["event"] == .string("final"), "\(reply)")
        let event = try #require(try HTTPPeer.received(reader, count: 1).first)
        let data = try JSONParser().parse(try #require(event["data"]?.stringValue))
        #expect(data["request_id"] == .string("curve-live"))
        #expect(data["verdict"] != nil && data["verdict"] == reply["verdict"])
        #expect(data["received_at"]?.stringValue != nil, "enriched from the journal")
    }

    @Test func onlyTheRightKeysConnectAndAWorkerKeyServesOnlyItsPack() throws {
        try requirePyzmq()
        let cluster = try SecureCluster()
        let packs = try cluster.packStatus()
        let digests = Dictionary(uniqueKeysWithValues: packs.compactMap { entry -> (String, String)? in
            guard case .string(let id)? = entry["id"], case .string(let digest)? = entry["digest"] else { return nil }
            return (id, digest)
        })
        // A client key on the worker endpoint, no key at all, and a gdpr key serving ai-act: none gets a ticket.
        let clientOnWorkers = try peer(["worker", "--endpoint", cluster.worker, "--pack", "gdpr", "--digest", digests["gdpr"] ?? "", "--seconds", "3"] + cluster.peerKeys("clients/procurement"))
        let plaintext = try peer(["worker", "--endpoint", cluster.worker, "--pack", "gdpr", "--digest", digests["gdpr"] ?? "", "--seconds", "3"])
        let wrongPack = try peer(["worker", "--endpoint", cluster.worker, "--pack", "ai-act", "--digest", digests["ai-act"] ?? "", "--seconds", "5"] + cluster.peerKeys("workers/gdpr/gdpr-1"))
        let refusal = try JSONParser().parse(try wrongPack.line(within: 15) { $0.contains("\"disconnect\"") || $0.contains("\"end\"") })
        #expect(refusal["event"] == .string("disconnect"))
        if case .string(let reason)? = refusal["reason"] { #expect(reason.contains("may not serve pack ai-act")) }
        // Screenings meanwhile are judged by the honest workers only.
        for n in 0..<5 {
            let reply = try cluster.ask(["--id", "kl-\(n)", "--body", try Self.bodyFile(id: "kl-\(n)")], as: "clients/procurement")
            #expect(try Self.verdict(reply) == "rejected")
        }
        for child in [clientOnWorkers, plaintext] {
            _ = try child.line(within: 15) { $0.contains("\"end\"") }
            #expect(!child.output.contains { $0.contains("\"request\"") || $0.contains("\"disconnect\"") }, "got through: \(child.output)")
        }
        // A client without a key, and with an unknown key, get nothing; a subscriber key is not a client key.
        #expect(try cluster.ask(["--id", "anon", "--body", try Self.bodyFile(id: "anon")], as: nil, seconds: 2)["event"] == .string("timeout"))
        #expect(try cluster.ask(["--id", "sub", "--body", try Self.bodyFile(id: "sub")], as: "subscribers/dashboard", seconds: 2)["event"] == .string("timeout"))
        // The broker logged each refusal with the key's fingerprint, and stops cleanly.
        cluster.broker.kill(SIGTERM)
        #expect(cluster.broker.exitStatus(within: 15) == 0, "a broker with CURVE did not stop on SIGTERM")
        let log = cluster.broker.errorOutput.joined(separator: "\n")
        #expect(log.contains("\"peer-refused\""))
        #expect(log.contains("\"worker-refused\""))
        #expect(log.contains("may not connect to the worker endpoint"))
    }

    @Test func theExamplePythonClientsWorkWithTheirKeys() throws {
        try requirePyzmq()
        let cluster = try SecureCluster()
        let subscriber = try Child(["examples/clients/subscribe.py", "--endpoint", cluster.publish, "--json", "--timeout", "60", "--key", cluster.secret(.init("subscribers/dashboard")), "--broker-key", cluster.brokerKey], executable: "python3")
        Thread.sleep(forTimeInterval: 1)
        let files = try Array(Repo.exampleRequests().prefix(3))
        let run = try runCommand(["examples/clients/submit.py", "--endpoint", cluster.client, "--json", "--id-from-request", "--key", cluster.secret(.init("clients/procurement")), "--broker-key", cluster.brokerKey] + files, executable: "python3")
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.split(separator: "\n").count == 3)
        #expect(try subscriber.firstLine(within: 20) { $0.contains("\"request_id\"") } != nil, "the keyed subscriber saw no verdict")
        subscriber.kill(SIGINT)
        // Without a key the same client gets no answer.
        let anonymous = try runCommand(["examples/clients/submit.py", "--endpoint", cluster.client, "--json", "--timeout", "2"] + files.prefix(1), executable: "python3")
        #expect(anonymous.status != 0)
    }

    @Test func theFeedNeedsASubscriberKey() throws {
        try requirePyzmq()
        let cluster = try SecureCluster()
        let anonymous = try peer(["subscribe", "--endpoint", cluster.publish, "--seconds", "6"])
        let clientKey = try peer(["subscribe", "--endpoint", cluster.publish, "--seconds", "6"] + cluster.peerKeys("clients/procurement"))
        let keyed = try peer(["subscribe", "--endpoint", cluster.publish, "--seconds", "6"] + cluster.peerKeys("subscribers/dashboard"))
        for child in [anonymous, clientKey, keyed] { _ = try child.line(within: 10) { $0.contains("subscribed") } }
        Thread.sleep(forTimeInterval: 1)
        for n in 0..<3 { _ = try cluster.ask(["--id", "feed-\(n)", "--body", try Self.bodyFile(id: "feed-\(n)")], as: "clients/procurement") }
        func received(_ child: Child) throws -> JSONValue? { try JSONParser().parse(try child.line(within: 15) { $0.contains("\"received\"") })["count"] }
        #expect(try received(anonymous) == .int(0))
        #expect(try received(clientKey) == .int(0))
        #expect(try received(keyed) == .int(3))
    }

    @Test func verdictGetAnswersOnlyTheSubmitterOrAnAuditor() throws {
        try requirePyzmq()
        let cluster = try SecureCluster(journal: true)
        let submitted = try cluster.ask(["--id", "AAK-SCR-2026-017", "--body", try Self.bodyFile(id: "AAK-SCR-2026-017")], as: "clients/procurement")
        #expect(try Self.verdict(submitted) == "rejected")
        let query = NSTemporaryDirectory() + "get-\(UUID().uuidString).json"
        try #"{"request_id":"AAK-SCR-2026-017"}"#.write(toFile: query, atomically: true, encoding: .utf8)
        let missing = NSTemporaryDirectory() + "get-\(UUID().uuidString).json"
        try #"{"request_id":"AAK-SCR-2026-999"}"#.write(toFile: missing, atomically: true, encoding: .utf8)
        func get(_ body: String, as key: String) throws -> JSONValue {
            try cluster.ask(["--service", "verdict.get", "--id", "g-\(UUID().uuidString.prefix(8))", "--body", body], as: key)
        }
        #expect(submitted["sha256"] != nil)
        #expect(try get(query, as: "clients/procurement")["sha256"] == submitted["sha256"])
        #expect(try get(query, as: "auditors/dpo")["sha256"] == submitted["sha256"])
        let stranger = try get(query, as: "clients/other")
        let unknown = try get(missing, as: "clients/other")
        #expect(stranger["code"] == .string("unknown-request"))
        #expect(stranger["code"] == unknown["code"])
        #expect(stranger["message"].map { "\($0)" }?.contains("017") == true && unknown["message"].map { "\($0)" }?.contains("999") == true)
        // The journal names who asked and which worker key judged each pack.
        let query_ = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(\"select principal from entry where kind='accepted' and request_id='AAK-SCR-2026-017'\").fetchone()[0]); print(' '.join(r[0] for r in c.execute(\"select judged_by from entry_pack p join entry e on e.seq=p.seq where e.request_id='AAK-SCR-2026-017' order by pack_id\")))"
        let journaled = try runCommand(["-c", query_, try #require(cluster.journal)], executable: "python3")
        #expect(journaled.out == "client:procurement\nworker:ai-act:ai-act-1 worker:gdpr:gdpr-1 worker:workplace:workplace-1\n", "\(journaled.out) \(journaled.err)")
        // Re-using another principal's request id is a conflict, not a replay of its verdict.
        let reused = try cluster.ask(["--id", "AAK-SCR-2026-017", "--body", try Self.bodyFile(id: "AAK-SCR-2026-017")], as: "clients/other")
        #expect(reused["code"] == .string("conflict"))
    }

    @Test func deletingAPublicKeyRevokesItForNewConnectionsWithoutARestart() throws {
        try requirePyzmq()
        let cluster = try SecureCluster()
        #expect(try Self.verdict(try cluster.ask(["--id", "rv-1", "--body", try Self.bodyFile(id: "rv-1")], as: "clients/other")) == "rejected")
        try FileManager.default.removeItem(atPath: cluster.publicKey(.init("clients/other")))
        #expect(try cluster.ask(["--id", "rv-2", "--body", try Self.bodyFile(id: "rv-2")], as: "clients/other", seconds: 3)["event"] == .string("timeout"))
        #expect(try Self.verdict(try cluster.ask(["--id", "rv-3", "--body", try Self.bodyFile(id: "rv-3")], as: "clients/procurement")) == "rejected")
    }

    @Test func aRoutingIDInUseCannotBeTakenOver() throws {
        try requirePyzmq()
        let cluster = try Cluster(workers: ["ai-act": 1, "gdpr": 1, "workplace": 1])
        let context = try ZMQContext()
        defer { context.terminate() }
        let owner = try context.socket(.dealer)
        defer { owner.close() }
        try owner.set(.linger, to: 0)
        try owner.set(.routingID, to: Array("desk-1".utf8))
        try owner.set(.receiveTimeout, to: 15_000)
        try owner.connect(cluster.client)
        let requester = Requester(socket: owner)
        try requester.send("warm-up", body: [], service: .mmiPacks)
        _ = try requester.collect(["warm-up"])
        let thief = try peer(["listen", "--endpoint", cluster.client, "--routing-id", "desk-1", "--seconds", "4"])
        Thread.sleep(forTimeInterval: 1)
        try requester.send("owned", body: try exampleBody(Self.keystrokeLogger, id: "owned"))
        let reply = try requester.collect(["owned"])
        #expect(reply["owned"]?.first?.finalJSON?["verdict"] == .string("rejected"))
        let stolen = try JSONParser().parse(try thief.line(within: 10) { $0.contains("\"received\"") })
        #expect(stolen["count"] == .int(0))
    }

    // MARK: - Fail closed

    @Test func aWorldReadableOrMissingSecretKeyStopsTheBrokerNamingTheFile() throws {
        let keys = NSTemporaryDirectory() + "aiscreen-keys-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: keys) }
        #expect(try runCommand(["keys", "generate", "--role", "broker", "--dir", keys]).status == 0)
        let secret = keys + "/broker/broker.key_secret"
        chmod(secret, 0o644)
        let broker = ["broker", "--keys", keys, "--client", "tcp://127.0.0.1:*", "--worker", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*"]
        let readable = try runCommand(broker, within: 20)
        #expect(readable.status != 0)
        #expect(readable.err.contains(secret) && readable.err.contains("chmod 600"), "\(readable.err)")
        try FileManager.default.removeItem(atPath: secret)
        let missing = try runCommand(broker, within: 20)
        #expect(missing.status != 0)
        #expect(missing.err.contains(secret), "\(missing.err)")
    }

    @Test func aPlaintextClientOrFeedOnANonLoopbackAddressIsRefusedUnlessInsecure() throws {
        let result = try runCommand(["broker", "--keys", NSTemporaryDirectory() + "none-\(UUID().uuidString)", "--client", "tcp://0.0.0.0:*", "--worker", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*"], within: 20)
        #expect(result.status != 0)
        #expect(result.err.contains("--insecure"), "\(result.err)")
    }

    // MARK: - A journal that checks what it serves

    /// A cluster with a journal that has screened the keystroke logger as `AAK-SCR-2026-017`, then stopped cleanly.
    static func screenedJournal() throws -> (Cluster, String) {
        let journal = NSTemporaryDirectory() + "aiscreen-trust-\(UUID().uuidString).sqlite"
        let cluster = try Cluster(extraConfig: "journal:\n  path: \(journal)\n")
        let requester = Requester(socket: try cluster.dealer())
        defer { requester.socket.close() }
        try requester.send("AAK-SCR-2026-017", body: try exampleBody(keystrokeLogger, id: "AAK-SCR-2026-017"))
        #expect(try requester.collect(["AAK-SCR-2026-017"])["AAK-SCR-2026-017"]?.first?.finalJSON?["verdict"] == .string("rejected"))
        _ = try cluster.broker.stopBroker()
        return (cluster, journal)
    }

    static func removeJournal(_ path: String) {
        for suffix in ["", "-wal", "-shm", ".lock", ".head"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Starts a broker on the cluster's config and journal; returns its exit status (nil: it is running) and stderr.
    static func startBroker(_ cluster: Cluster) throws -> (Child, Int32?) {
        let broker = try Child(["broker", "--insecure", "--config", cluster.configPath, "--client", "tcp://127.0.0.1:*", "--worker", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*"], captureStandardError: true)
        let listening = try broker.firstLine(within: 20) { $0.contains("\"listening\"") }
        return (broker, listening == nil ? broker.exitStatus(within: 5) : nil)
    }

    @Test func aResultEditedWhileTheBrokerWasStoppedIsNeitherServedNorTrusted() throws {
        let (cluster, journal) = try Self.screenedJournal()
        defer { Self.removeJournal(journal) }
        let edit = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE entry SET result=CAST(replace(CAST(result AS TEXT),'rejected','approved') AS BLOB), verdict='approved' WHERE kind='completed'\"); c.commit()"
        #expect(try runCommand(["-c", edit, journal], executable: "python3").status == 0)
        let (broker, status) = try Self.startBroker(cluster)
        #expect(status != nil && status != 0, "the broker started on a tampered journal")
        let log = broker.errorOutput.joined(separator: "\n")
        #expect(log.contains("damaged at entry 2") && log.contains("aiscreen journal verify"), "\(log)")
        // Offline, the record is not served either.
        let verdict = try runCommand(["verdict", "AAK-SCR-2026-017", "--journal", journal])
        #expect(verdict.status != 0)
        #expect(!verdict.out.contains("approved"))
        #expect(verdict.err.contains("changed after it was written"), "\(verdict.err)")
    }

    @Test func randomBytesInAPageStopTheBrokerInsteadOfBeingAnswered() throws {
        let (cluster, journal) = try Self.screenedJournal()
        defer { Self.removeJournal(journal) }
        // Fold the log into the file, then overwrite the bytes that hold the stored result.
        let damage = """
            import sqlite3,sys,random
            path=sys.argv[1]
            c=sqlite3.connect(path); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()
            data=bytearray(open(path,'rb').read())
            at=data.find(b'"verdict":"rejected"')
            assert at > 0
            random.seed(7)
            for i in range(at-2000, at+2000): data[i]=random.randrange(256)
            open(path,'wb').write(bytes(data))
            """
        let result = try runCommand(["-c", damage, journal], executable: "python3")
        #expect(result.status == 0, "\(result.err)")
        let (broker, status) = try Self.startBroker(cluster)
        #expect(status != nil && status != 0, "the broker started on a damaged journal")
        let log = broker.errorOutput.joined(separator: "\n")
        #expect(log.contains(journal), "\(log)")
    }

    @Test func anEmptiedJournalIsNotSilentlyReplaced() throws {
        let (cluster, journal) = try Self.screenedJournal()
        defer { Self.removeJournal(journal) }
        #expect(truncate(journal, 0) == 0)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: journal + suffix) }
        let (broker, status) = try Self.startBroker(cluster)
        #expect(status != nil && status != 0, "the broker started on an emptied journal")
        #expect(broker.errorOutput.joined().contains("exists but is empty"), "\(broker.errorOutput)")
        #expect((try FileManager.default.attributesOfItem(atPath: journal)[.size] as? Int) == 0)
    }

    @Test func aSecondBrokerOnTheSameJournalFailsAtOnceNamingTheFirst() throws {
        let journal = NSTemporaryDirectory() + "aiscreen-two-\(UUID().uuidString).sqlite"
        defer { Self.removeJournal(journal) }
        let cluster = try Cluster(workers: [:], extraConfig: "journal:\n  path: \(journal)\n")
        let (second, status) = try Self.startBroker(cluster)
        #expect(status != nil && status != 0)
        let log = second.errorOutput.joined()
        #expect(log.contains("already open for writing by another broker (process \(cluster.broker.process.processIdentifier)"), "\(log)")
    }
}
