import Broker
import Foundation
import Journal

/// The SQLite journal behind the broker's ``BrokerJournal`` seam.
struct JournalAdapter: BrokerJournal {
    let journal: Journal

    func commit(_ records: [BrokerStateMachine.Record]) throws {
        let now = JournalTimestamp.now()
        try journal.commit(records.map { record in
            switch record {
            case .accepted(let id, let service, let body, let principal, let department):
                .accepted(AcceptedRequest(requestID: id, service: service, body: body, receivedAt: now, principal: principal, department: department))
            case .completed(let id, let verdict, let result, let packs, let provisional):
                .completed(CompletedScreening(
                    requestID: id, verdict: verdict, result: result,
                    packs: packs.map { pack in
                        PackRevision(
                            id: pack.id, version: pack.version, digest: pack.digest, judgedBy: pack.judgedBy,
                            outcome: pack.outcome.map { PackOutcome(verdict: $0.verdict, errors: $0.errors, rules: $0.rules) })
                    }, completedAt: now,
                    provisional: provisional))
            }
        })
    }

    func lookup(_ requestID: String) throws -> JournaledRequest? {
        try journal.lookup(requestID: requestID).map(Self.journaled)
    }

    func unfinished() throws -> [JournaledRequest] {
        try journal.unfinished().map(Self.journaled)
    }

    static func journaled(_ record: JournalRecord) -> JournaledRequest {
        let digest = record.request.bodyDigest
        return JournaledRequest(
            requestID: record.request.requestID, service: record.request.service, body: record.request.body,
            matches: { AcceptedRequest.digest(of: $0) == digest }, result: record.completion?.result, principal: record.request.principal,
            provisional: record.provisional.map { (verdict: $0.verdict, result: $0.result) })
    }
}
