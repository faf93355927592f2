import RulesEngine
import Security
import Wire

/// One loop pass's actions, held until its journal records are committed.
struct HeldActions {
    enum Outcome: Equatable {
        case committed
        case failed(String)
    }

    var actions: [BrokerStateMachine.Action]
    var records: [BrokerStateMachine.Record]
    /// The committer's batch number; nil for a pass without records.
    var batch: UInt64?
    var outcome: Outcome?
}

extension BrokerService {
    /// What a pass whose journal records could not be committed may still send: new requests in it are dropped
    /// with an error to their clients, verdicts in it are answered with an error instead (they were not recorded)
    /// and not published, and the broker refuses new requests until a journal write succeeds again (the loop lets
    /// one request try every second).
    func unrecorded(
        _ actions: [BrokerStateMachine.Action], _ records: [BrokerStateMachine.Record], reason: String, _ machine: inout BrokerStateMachine
    ) -> [BrokerStateMachine.Action] {
        // The first cause stays: a later batch that fails because of it (a verdict whose acceptance was not
        // recorded) must not hide it.
        if machine.journalUnavailable == nil { machine.journalUnavailable = reason }
        var accepted: [RequestID] = []
        var completed = Set<String>()
        for record in records {
            switch record {
            case .accepted(let id, _, _, _, _): if let id = try? RequestID(id) { accepted.append(id) }
            case .completed(let id, _, _, _, _): completed.insert(id)
            }
        }
        var kept: [BrokerStateMachine.Action] = []
        for action in actions {
            switch action {
            case .sendToClient(let peer, let frames):
                if case .final(let service, let id, _)? = try? BrokerReply.decode(frames: frames), completed.contains(id.rawValue) {
                    let message = "the verdict could not be recorded in the journal (\(reason)); retry the same request id later"
                    kept.append(machine.refuse(peer, service, id, .internalError, message))  // counted like every refusal
                } else {
                    kept.append(action)
                }
            case .publish(_, let id, _):
                if completed.contains(id.rawValue) { continue }
                kept.append(action)
            default:
                kept.append(action)
            }
        }
        for id in completed { if let requestID = try? RequestID(id) { machine.forget(requestID) } }
        return kept + machine.abandon(accepted, reason: reason)
    }

    /// A request id the journal already knows (e.g. from before a restart): the stored answer, `conflict`, or —
    /// for one accepted but never finished — its re-evaluation, which the request then joins.
    /// - Returns: actions to perform first, and whether the message is fully handled.
    func fromJournal(_ frames: [[UInt8]], _ client: PeerID, _ principal: String, _ machine: inout BrokerStateMachine) -> ([BrokerStateMachine.Action], Bool) {
        guard let journal, case .request(let service, let requestID, _, _, let body)? = try? ClientMessage.decode(frames: frames) else {
            return ([], false)
        }
        if service == .verdictGet { return ([.sendToClient(client, verdictGet(journal, requestID, body, principal: principal))], true) }
        guard !machine.knows(requestID) else { return ([], false) }
        let stored: JournaledRequest
        do {
            guard let found = try journal.lookup(requestID.rawValue) else { return ([], false) }
            stored = found
        } catch {
            // Never "unknown": that would evaluate the request again beside its record.
            log(BrokerEvent("journal-read-failed", ["request_id": requestID.rawValue, "error": "\(error)"]))
            let refusal = machine.refuse(client, service, requestID, .internalError, "the journal cannot be read for request \(requestID); retry later")
            return ([refusal], true)
        }
        guard stored.service == service.rawValue, stored.principal == principal, stored.matches(body) || machine.sameRequest(stored.body, body) else {
            let conflict = BrokerReply.error(service: service, requestID: requestID, code: .conflict, message: "request id \(requestID) was already used for a different request; use a new id")
            return ([.sendToClient(client, conflict.encode())], true)
        }
        guard let result = stored.result else {
            // No answer yet (a crash), or only a provisional one (a pack had failed): evaluate it again; the
            // message then attaches to that evaluation.
            return (machine.recover(requestID: requestID, service: service, body: body, principal: principal, now: Self.milliseconds()), false)
        }
        return ([.sendToClient(client, BrokerReply.final(service: service, requestID: requestID, body: result).encode())], true)
    }
}

extension BrokerService {
    /// `verdict.get`: a client that lost its connection fetches a verdict later by request id.
    /// Only the principal that submitted a request, or an auditor, gets its verdict; anyone else is told exactly
    /// what an id that does not exist gets.
    func verdictGet(_ journal: any BrokerJournal, _ requestID: RequestID, _ body: [UInt8], principal: String) -> [[UInt8]] {
        func refusal(_ code: ErrorCode, _ message: String) -> [[UInt8]] {
            BrokerReply.error(service: .verdictGet, requestID: requestID, code: code, message: message).encode()
        }
        guard case .string(let wanted)? = (try? JSONParser().parse(body))?["request_id"] else {
            return refusal(.schemaViolation, "the body must be {\"request_id\": \"<id>\"}")
        }
        do {
            let unknown = refusal(.unknownRequest, "no request \(wanted) in the journal")
            guard let stored = try journal.lookup(wanted) else { return unknown }
            guard stored.principal == principal || Principal(userID: principal)?.role == .auditor else { return unknown }
            guard let result = stored.result else {
                // The answer the client got when a pack had failed: the fail-closed result, or its ERROR.
                guard let provisional = stored.provisional else { return refusal(.notFinished, "request \(wanted) has no verdict yet; ask again later") }
                if provisional.verdict == "error", let error = try? JSONParser().parse(provisional.result),
                    case .string(let code)? = error["code"], case .string(let message)? = error["message"], let code = try? ErrorCode(code)
                {
                    return refusal(code, message)
                }
                return BrokerReply.final(service: .verdictGet, requestID: requestID, body: provisional.result).encode()
            }
            return BrokerReply.final(service: .verdictGet, requestID: requestID, body: result).encode()
        } catch {
            log(BrokerEvent("journal-read-failed", ["request_id": wanted, "error": "\(error)"]))
            return refusal(.internalError, "the journal cannot be read for request \(wanted); retry later")
        }
    }
}
