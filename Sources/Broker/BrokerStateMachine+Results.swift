import RulesEngine
import Wire

extension BrokerStateMachine {
    enum PackOutcome {
        case success(RenderedPackVerdict)
        case failure(ErrorCode, String)
    }

    /// Records one pack's outcome; sends PARTIALs to waiters that asked; finishes the request when complete.
    mutating func record(_ requestID: RequestID, pack: String, _ outcome: PackOutcome, judgedBy: String? = nil) -> [Action] {
        guard var open = pending[requestID], open.results[pack] == nil, open.failures[pack] == nil else { return [] }
        switch outcome {
        case .success(let verdict):
            open.results[pack] = verdict
            if let judgedBy { open.judges[pack] = judgedBy }
        case .failure(let code, let message): open.failures[pack] = (code, message)
        }
        pending[requestID] = open
        var actions: [Action] = []
        if open.waiters.contains(where: \.partials) {
            var bodies: [Bool: [UInt8]] = [:]
            for waiter in open.waiters where waiter.partials {
                if bodies[waiter.summary] == nil { bodies[waiter.summary] = Self.partialBody(requestID, pack: pack, outcome, summary: waiter.summary) }
                let body = bodies[waiter.summary] ?? []
                actions.append(.sendToClient(waiter.client, BrokerReply.partial(service: open.service, requestID: requestID, body: body).encode()))
            }
        }
        if open.isComplete { actions += finish(requestID) }
        return actions
    }

    /// A PARTIAL's body: `{"request_id","pack","result"}` (the pack's result, or its summary at `detail=summary`:
    /// `{"request_id","pack","detail":"summary","result"}`), or `{"request_id","pack","error":{"code","message"}}`.
    static func partialBody(_ requestID: RequestID, pack: String, _ outcome: PackOutcome, summary: Bool) -> [UInt8] {
        var writer = JSONWriter(capacity: summary ? 1024 : 32 * 1024)
        writer.writeRaw(#"{"request_id":"#.utf8)
        writer.write(.string(requestID.rawValue))
        writer.writeRaw(#","pack":"#.utf8)
        writer.write(.string(pack))
        switch outcome {
        case .success(let verdict):
            if summary {
                writer.writeRaw(#","detail":"summary","result":"#.utf8)
                writer.write(ScreeningSummary.Pack(verdict))
            } else {
                writer.writeRaw(#","result":"#.utf8)
                writer.write(verdict)
            }
        case .failure(let code, let message):
            writer.writeRaw(#","error":"#.utf8)
            writer.write(.object([("code", .string(code.rawValue)), ("message", .string(message))]))
        }
        writer.writeRaw(CollectionOfOne(UInt8(ascii: "}")))
        return writer.bytes
    }

    /// A FINAL with the full result turned into the same FINAL at `detail=summary` (a cached or journaled answer);
    /// anything else (an ERROR) unchanged. A body that does not read as a combined result stays full: more than was
    /// asked, never less.
    static func summaryReply(_ reply: [[UInt8]]) -> [[UInt8]] {
        guard case .final(let service, let requestID, let body)? = try? BrokerReply.decode(frames: reply),
            let summary = try? ScreeningSummary(json: body)
        else { return reply }
        return BrokerReply.final(service: service, requestID: requestID, body: summary.bytes).encode()
    }

    /// Answers every waiter, caches the FINAL, publishes a `screen` verdict.
    ///
    /// For `screen`, a pack that failed (no worker, worker error, lost, deadline) is a fail-closed
    /// `needs-review` entry with an error naming the pack. For `pack.<id>`, its failure is an ERROR reply. Either
    /// is journaled and answered, but as a provisional answer, not the verdict of record: a retry of the id
    /// evaluates the failed packs again.
    /// - Parameter expired: the request met its deadline (tickets still held by workers are then late).
    mutating func finish(_ requestID: RequestID, now: Int64 = 0, expired: Bool = false) -> [Action] {
        guard let open = close(requestID, now: now, expired: expired) else { return [] }
        counters.requestsAnswered += 1
        counters.answeredByService[open.service.rawValue, default: 0] += 1
        let failed = open.packs.filter { open.failures[$0] != nil }
        if !failed.isEmpty {
            counters.failedClosed += 1
            events.append(BrokerEvent(open.service == .screen ? "failed-closed" : "request-failed", [
                "request_id": requestID.rawValue, "service": open.service.rawValue, "principal": open.principal,
                "packs": failed.map { "\($0):\(open.failures[$0]?.code.rawValue ?? "")" }.joined(separator: " "),
            ]))
        }
        var retry = open
        retry.waiters = []
        retry.failures = [:]
        retry.tickets = []
        if open.service != .screen, let pack = open.packs.first, let failure = open.failures[pack] {
            let reply = BrokerReply.error(service: open.service, requestID: requestID, code: failure.code, message: failure.message).encode()
            remember(requestID, Completed(service: open.service, fingerprint: open.fingerprint, reply: reply, provisional: true, retry: retry))
            let error = JSONWriter.bytes(JSONValue.object([("code", .string(failure.code.rawValue)), ("message", .string(failure.message))]))
            return [.record(.completed(requestID: requestID.rawValue, verdict: "error", result: error, packs: [], provisional: true))]
                + open.waiters.map { .sendToClient($0.client, reply) }
        }
        var verdicts = open.packs.compactMap { open.results[$0] }
        for pack in failed {
            guard let failure = open.failures[pack] else { continue }
            verdicts.append(RenderedPackVerdict(.failed(pack: pack, error: "\(failure.code): \(failure.message)")))
        }
        let result = RenderedScreeningResult(
            requestID: requestID.rawValue, packs: verdicts, required: open.packs, screeningDate: open.screeningDate)
        // Rendered once: the same bytes go to the journal, the reply, the cache and (stamped) the publication.
        let rendered = JSONWriter.bytes(result)
        let reply = BrokerReply.final(service: open.service, requestID: requestID, body: rendered).encode()
        remember(requestID, Completed(service: open.service, fingerprint: open.fingerprint, reply: reply, provisional: !failed.isEmpty, retry: failed.isEmpty ? nil : retry))
        let packs = result.packs.map {
            RecordedPack(
                id: $0.pack, version: $0.version, digest: $0.digest, judgedBy: open.judges[$0.pack],
                outcome: RecordedPack.Outcome(verdict: $0.verdict.description, errors: $0.errors.count, rules: $0.rules))
        }
        var actions: [Action] = [
            .record(.completed(requestID: requestID.rawValue, verdict: result.verdict.description, result: rendered, packs: packs, provisional: !failed.isEmpty))
        ]
        var summaryBody: [UInt8]?
        if open.waiters.contains(where: \.summary) || (open.service == .screen && publishesSummaries) {
            summaryBody = ScreeningSummary(result).bytes
        }
        if let summaryBody, open.waiters.contains(where: \.summary) {
            let summaryReply = BrokerReply.final(service: open.service, requestID: requestID, body: summaryBody).encode()
            actions += open.waiters.map { Action.sendToClient($0.client, $0.summary ? summaryReply : reply) }
        } else {
            actions += open.waiters.map { Action.sendToClient($0.client, reply) }
        }
        if open.service == .screen {
            let verdict = VerdictTopic.Verdict(rawValue: result.verdict.description) ?? .needsReview
            actions.append(.publish(
                topic: VerdictTopic(verdict: verdict, department: open.department).bytes, requestID: requestID, result: rendered,
                summaryTopic: VerdictTopic(verdict: verdict, department: open.department, detail: .summary).bytes,
                summaryBody: publishesSummaries ? summaryBody : nil, summary: PublishedVerdict(result)))
            counters.published += 1
        }
        return actions
    }

    /// Caches an answer for retries, within ``BrokerConfiguration/completedCacheSize`` entries and
    /// ``BrokerConfiguration/completedCacheBytes`` bytes (the oldest go first; the journal still has them).
    private mutating func remember(_ requestID: RequestID, _ done: Completed) {
        guard configuration.completedCacheSize > 0, done.bytes <= configuration.completedCacheBytes else { return }
        forget(requestID)
        nextCompletedStamp += 1
        var entry = done
        entry.stamp = nextCompletedStamp
        completed[requestID] = entry
        completedBytes += entry.bytes
        completedOrder.append((requestID, entry.stamp))
        // The order may hold ids whose entry was replaced or forgotten since: only the stamp of the current one counts.
        while completed.count > configuration.completedCacheSize || completedBytes > configuration.completedCacheBytes,
            let (oldest, stamp) = completedOrder.popFirst()
        {
            if completed[oldest]?.stamp == stamp { forget(oldest) }
        }
        // Stale places (forgotten or replaced entries) are dropped once they dominate, never a live entry.
        if completedOrder.count > 2 * max(completed.count, 1_024) {
            let completed = self.completed
            completedOrder.removeAll { completed[$0.0]?.stamp != $0.1 }
        }
    }
}
