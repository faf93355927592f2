import Foundation
import Testing
import Wire

@testable import Broker
@testable import RulesEngine

/// The broker owns the active revision of every pack: only workers of exactly that revision serve it.
struct PinnedPackTests {
    typealias Base = BrokerStateMachineTests
    let base = BrokerStateMachineTests()

    static func ready(_ pack: String, version: String = "1.0.0", digest: String? = nil) throws -> [[UInt8]] {
        let metadata = #"{"id":"\#(pack)","version":"\#(version)","digest":"\#(digest ?? "sha256:" + pack)"}"#
        return WorkerMessage.ready(service: try .pack(pack), metadata: Array(metadata.utf8)).encode()
    }

    static func disconnectReason(_ actions: [BrokerStateMachine.Action], to peer: PeerID) throws -> String? {
        for case .sendToWorker(let p, let frames) in actions where p == peer {
            if case .disconnect(let reason) = try BrokerToWorker.decode(frames: frames) { return reason }
        }
        return nil
    }

    @Test(arguments: [("1.0.0", "sha256:forged"), ("1.1.0", "sha256:gdpr"), ("1.1.0", "sha256:other")])
    func aWorkerOfAnotherRevisionIsRefusedWithTheActiveDigestAndNeverGetsATicket(version: String, digest: String) throws {
        var m = base.machine()
        let rogue = PeerID(Array("rogue".utf8))
        let actions = m.workerMessage(from: rogue, frames: try Self.ready("gdpr", version: version, digest: digest), now: 0)
        let reason = try #require(try Self.disconnectReason(actions, to: rogue))
        #expect(reason.contains("1.0.0 sha256:gdpr"), "names the active revision: \(reason)")
        #expect(m.workerCount(pack: "gdpr") == 0)
        #expect(m.counters.workersRefused == 1)
        #expect(m.drainEvents().map(\.name) == ["worker-refused"])
        // A screening now finds no gdpr worker: fail closed, never judged by the rogue.
        let sent = m.clientMessage(from: base.client, frames: try base.request("r-1"), now: 1)
        #expect(try Base.dispatched(sent).allSatisfy { $0.0 != rogue })
    }

    @Test func theHonestRevisionRegisters() throws {
        var m = base.machine()
        #expect(m.workerMessage(from: Base.worker("gdpr"), frames: try Self.ready("gdpr"), now: 0).isEmpty)
        #expect(m.workerCount(pack: "gdpr") == 1)
        #expect(m.drainEvents() == [BrokerEvent("worker-joined", ["pack": "gdpr", "version": "1.0.0", "capacity": "1"])])
    }

    @Test func aWorkerKeyServesOnlyItsOwnPack() throws {
        var m = base.machine()
        let peer = PeerID(Array("keyed".utf8))
        let wrong = m.workerMessage(from: peer, frames: try Self.ready("ai-act", digest: "sha256:ai-act"), now: 0, principal: "worker:gdpr:gdpr-1")
        #expect(try Self.disconnectReason(wrong, to: peer)?.contains("may not serve pack ai-act") == true)
        let client = m.workerMessage(from: peer, frames: try Self.ready("gdpr"), now: 0, principal: "client:procurement")
        #expect(try Self.disconnectReason(client, to: peer) != nil)
        #expect(m.workerCount(pack: "gdpr") == 0 && m.workerCount(pack: "ai-act") == 0)
        #expect(m.workerMessage(from: peer, frames: try Self.ready("gdpr"), now: 0, principal: "worker:gdpr:gdpr-1").isEmpty)
        #expect(m.workerCount(pack: "gdpr") == 1)
    }

    @Test func activatingARevisionDisconnectsWorkersOfTheOldOneAndTheirTicketsWaitForTheNew() throws {
        var m = base.machine()
        try base.register(&m)
        let sent = m.clientMessage(from: base.client, frames: try base.request("r-1"), now: 1)
        let tickets = try Base.dispatched(sent)
        #expect(tickets.count == 3)
        let actions = m.activate(ActivePack(id: "gdpr", version: "1.1.0", digest: "sha256:gdpr-new"), now: 2)
        #expect(try Self.disconnectReason(actions, to: Base.worker("gdpr"))?.contains("1.1.0 sha256:gdpr-new") == true)
        #expect(m.workerCount(pack: "gdpr") == 0)
        // The old worker's late answer is not accepted.
        // A worker of the new revision gets the gdpr ticket again, whole.
        let newWorker = PeerID(Array("w-gdpr-new".utf8))
        let joined = m.workerMessage(from: newWorker, frames: try Self.ready("gdpr", version: "1.1.0", digest: "sha256:gdpr-new"), now: 3)
        #expect(try Base.dispatched(joined).map(\.0) == [newWorker])
        // The old revision is refused from now on.
        let old = m.workerMessage(from: Base.worker("gdpr", 2), frames: try Self.ready("gdpr"), now: 4)
        #expect(try Self.disconnectReason(old, to: Base.worker("gdpr", 2)) != nil)
        #expect(m.activate(ActivePack(id: "gdpr", version: "1.1.0", digest: "sha256:gdpr-new"), now: 5).isEmpty)
        #expect(m.activate(ActivePack(id: "nope", version: "1", digest: "x"), now: 5).isEmpty)
    }

    @Test func mmiPacksReportsTheActiveRevisionAndItsWorkers() throws {
        var m = base.machine()
        try base.register(&m, count: 2)
        let frames = ClientMessage.request(service: .mmiPacks, requestID: try RequestID("m-1"), body: []).encode()
        let reply = try #require(try Base.replies(m.clientMessage(from: base.client, frames: frames, now: 0), to: base.client).first)
        let json = try Base.finalJSON(reply)
        guard case .array(let packs)? = json["packs"] else { throw Base.FailedExpectation(description: "no packs: \(json)") }
        #expect(packs.count == 3)
        let gdpr = try #require(packs.first { $0["id"] == .string("gdpr") })
        #expect(gdpr["version"] == .string("1.0.0"))
        #expect(gdpr["digest"] == .string("sha256:gdpr"))
        #expect(gdpr["workers"] == .int(2))
    }

    @Test func aRequestIDBelongsToThePrincipalThatUsedItFirst() throws {
        var m = base.machine()
        try base.register(&m)
        _ = m.clientMessage(from: base.client, frames: try base.request("r-1"), now: 0, principal: "client:a")
        let other = m.clientMessage(from: base.otherClient, frames: try base.request("r-1"), now: 0, principal: "client:b")
        guard case .error(_, _, let code, _)? = try Base.replies(other, to: base.otherClient).first else {
            Issue.record("another principal attached to a request it did not send")
            return
        }
        #expect(code == .conflict)
    }

    @Test func principalsInTheJournalAreDistinctForDistinctRoutingIDs() {
        #expect(PeerID([0x01, 0x23]).description != PeerID([0x12, 0x03]).description)
        #expect(PeerID([0x01, 0x23]).description == "0123")
    }
}
