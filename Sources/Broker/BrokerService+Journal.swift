import RulesEngine
import Security
import Wire

extension BrokerService {
    /// A request id the journal already knows (e.g. from before a restart): the stored answer, `conflict`, or —
    /// for one accepted but never finished — its re-evaluation, which the request then joins.
    /// - Returns: actions to perform first, and whether the message is fully handled.
    func fromJournal(_ frames: [[UInt8]], _ client: PeerID, _ principal: String, _ machine: inout BrokerStateMachine) -> ([BrokerStateMachine.Action], Bool) {
        guard let journal, case .request(let service, let requestID, _, let options, let body)? = try? ClientMessage.decode(frames: frames) else {
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
            logger.log(BrokerEvent("journal-read-failed", ["request_id": requestID.rawValue, "error": "\(error)"]))
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
        let reply = BrokerReply.final(service: service, requestID: requestID, body: result).encode()
        return ([.sendToClient(client, options.contains(.summaryDetail) ? BrokerStateMachine.summaryReply(reply) : reply)], true)
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
            logger.log(BrokerEvent("journal-read-failed", ["request_id": wanted, "error": "\(error)"]))
            return refusal(.internalError, "the journal cannot be read for request \(wanted); retry later")
        }
    }
}
