import RulesEngine
import Security
import Wire

extension BrokerStateMachine {
    /// A message from a worker (frames after the routing identity).
    /// - Parameter principal: the worker's authenticated principal (the ZAP User-Id of its CURVE key), nil for an
    ///   in-process worker or a plaintext endpoint.
    public mutating func workerMessage(from id: PeerID, frames: [[UInt8]], now: Int64, principal: String? = nil) -> [Action] {
        let message: WorkerMessage
        do {
            message = try WorkerMessage.decode(frames: frames)
        } catch {
            if error.code == .unknownProtocol || error.code == .missingDelimiter {
                counters.workerMalformed += 1
                return []
            }
            return violation(id, "malformed message: \(error.message)", now: now)
        }
        if frames.reduce(0, { $0 + $1.count }) > configuration.maxMessageBytes {
            return violation(id, "message larger than \(configuration.maxMessageBytes) bytes", now: now)
        }
        guard workers[id] != nil else {
            guard case .ready(let service, let metadata) = message else {
                if case .disconnect = message { return [] }
                return violation(id, "send READY first", now: now)
            }
            return ready(id, service, metadata, principal: principal, now: now)
        }
        workers[id]?.expiresAt = now + configuration.heartbeatMilliseconds * configuration.liveness
        switch message {
        case .ready:
            return violation(id, "READY sent twice", now: now)
        case .heartbeat:
            return []
        case .disconnect:
            return removeWorker(id, reason: "worker disconnected", now: now)
        case .final(let ticketID, let body):
            guard let worker = workers[id], worker.tickets.contains(ticketID), let ticket = tickets[ticketID] else {
                return violation(id, "FINAL for ticket \(ticketID), which this worker does not hold", now: now)
            }
            // Condition status (due/upcoming) is relative to the request's screening date.
            let screeningDate = ticket.request.flatMap { pending[$0]?.screeningDate }
            let verdict: RenderedPackVerdict
            if let canonical = RenderedPackVerdict(canonical: body, screeningDate: screeningDate) {
                verdict = canonical  // passed on as the worker wrote it: the usual case, no findings parsed
            } else {
                do {
                    var decoded = try PackVerdict(json: try JSONParser().parse(body))
                    decoded.screeningDate = screeningDate
                    verdict = RenderedPackVerdict(decoded)
                } catch {
                    return violation(id, "FINAL body is not a pack verdict: \(error)", now: now)
                }
            }
            guard verdict.pack == worker.pack, verdict.version == worker.version, verdict.digest == worker.digest else {
                return violation(id, "FINAL is for pack \(verdict.pack) \(verdict.version) \(verdict.digest), not the one it registered", now: now)
            }
            guard let current = active[worker.pack], current.version == verdict.version, current.digest == verdict.digest else {
                // Registered under a revision that is no longer active (the active set changed): not a verdict.
                return refuseWorker(id, reason: inactiveReason(worker.pack, verdict.version, verdict.digest), now: now)
            }
            tickets[ticketID] = nil
            packAnswers.append(.init(pack: ticket.pack, milliseconds: max(0, now - ticket.sentAt)))
            var actions = release(id, ticketID, now: now)
            if let requestID = ticket.request { actions += record(requestID, pack: ticket.pack, .success(verdict), judgedBy: worker.principal) }
            return actions
        case .error(let ticketID, let code, let text):
            guard let worker = workers[id], worker.tickets.contains(ticketID), let ticket = tickets[ticketID] else {
                return violation(id, "ERROR for ticket \(ticketID), which this worker does not hold", now: now)
            }
            tickets[ticketID] = nil
            packAnswers.append(.init(pack: ticket.pack, milliseconds: max(0, now - ticket.sentAt)))
            var actions = release(id, ticketID, now: now)
            if let requestID = ticket.request { actions += record(requestID, pack: ticket.pack, .failure(code, text)) }
            return actions
        }
    }

    private mutating func ready(_ id: PeerID, _ service: ServiceName, _ metadata: [UInt8], principal: String?, now: Int64) -> [Action] {
        guard let pack = service.packID, let current = active[pack] else {
            return violation(id, "this broker does not serve \(service)", now: now)
        }
        if let principal {
            // A CURVE worker key is issued for one pack (keys/workers/<pack>/): it may serve that pack only.
            guard let key = Principal(userID: principal), key.role == .worker, key.pack == pack else {
                return refuseWorker(id, reason: "the key \(principal) may not serve pack \(pack)", now: now, principal: principal)
            }
        }
        guard let json = try? JSONParser().parse(metadata), case .string(let packID)? = json["id"],
            case .string(let version)? = json["version"], case .string(let digest)? = json["digest"]
        else {
            return violation(id, "READY metadata must be {\"id\",\"version\",\"digest\"}", now: now)
        }
        guard packID == pack else { return violation(id, "READY metadata names pack \(packID), service is \(service)", now: now) }
        guard version == current.version, digest == current.digest else {
            return refuseWorker(id, reason: inactiveReason(pack, version, digest), now: now, principal: principal)
        }
        var capacity = 1
        if let declared = json["capacity"] {
            guard case .int(let value) = declared, (1...Int64(WireProtocol.maxWorkerCapacity)).contains(value) else {
                return violation(id, "READY metadata 'capacity' must be an integer from 1 to \(WireProtocol.maxWorkerCapacity)", now: now)
            }
            capacity = Int(value)
        }
        workers[id] = Worker(
            id: id, pack: pack, version: version, digest: digest, principal: principal, capacity: capacity,
            expiresAt: now + configuration.heartbeatMilliseconds * configuration.liveness, lastSentAt: now)
        workersPerPack[pack, default: 0] += 1
        idle[pack, default: Deque()].append(id)
        nextWorkerScanAt = min(nextWorkerScanAt, now + configuration.heartbeatMilliseconds)
        var fields = ["pack": pack, "version": version, "capacity": String(capacity)]
        if let principal { fields["principal"] = principal }
        events.append(BrokerEvent("worker-joined", fields))
        return dispatch(pack, now: now)
    }

    /// Why a worker's revision may not serve: names the active one.
    func inactiveReason(_ pack: String, _ version: String, _ digest: String) -> String {
        guard let current = active[pack] else { return "pack \(pack) is not served here" }
        return "pack \(pack) \(version) \(digest) is not the active revision; the active one is \(current.version) \(current.digest)"
    }

    /// DISCONNECT a worker the broker will not let serve (wrong revision, wrong key), log and count it. Unlike
    /// ``violation(_:_:now:)`` this is no protocol error: the worker may come back with the active revision.
    /// - Parameter keepTickets: the worker is not at fault (its revision was replaced): its tickets go back to the
    ///   queue without counting as lost and wait for a worker of the active revision until their deadline.
    mutating func refuseWorker(_ id: PeerID, reason: String, now: Int64, principal: String? = nil, keepTickets: Bool = false) -> [Action] {
        counters.workersRefused += 1
        var fields = ["reason": reason]
        if let principal = principal ?? workers[id]?.principal { fields["principal"] = principal }
        let goodbye = Action.sendToWorker(id, BrokerToWorker.disconnect(reason: String(reason.prefix(512))).encode())
        events.append(BrokerEvent("worker-refused", fields))
        return [goodbye] + removeWorker(id, reason: "worker refused: \(reason)", now: now, keepTickets: keepTickets)
    }

    /// Makes `revision` the active one of its pack (it must be a pack this broker serves): from now on only
    /// workers of that revision get tickets. Workers of another revision are told with a DISCONNECT naming the
    /// active one; the tickets they held go back to the queue, whole, for a worker of the new revision.
    /// - Returns: what to send, or nothing when the pack is unknown or the revision already active.
    public mutating func activate(_ revision: ActivePack, now: Int64) -> [Action] {
        guard let previous = active[revision.id], previous != revision else { return [] }
        active[revision.id] = revision
        events.append(BrokerEvent("pack-activated", ["pack": revision.id, "version": revision.version, "digest": revision.digest, "previous": "\(previous.version) \(previous.digest)"]))
        var actions: [Action] = []
        for (id, worker) in workers where worker.pack == revision.id && (worker.version != revision.version || worker.digest != revision.digest) {
            actions += refuseWorker(id, reason: inactiveReason(worker.pack, worker.version, worker.digest), now: now, keepTickets: true)
        }
        return actions
    }

    /// Hands waiting tickets of `pack` to workers with room, one ticket at a time in turn: the worker that has
    /// waited longest for work first, and a worker that still has room after a ticket goes to the back of the
    /// line, so the tickets spread over the pool. Ids of tickets whose request ended are skipped.
    mutating func dispatch(_ pack: String, now: Int64) -> [Action] {
        var actions: [Action] = []
        // In place: neither the line of idle workers nor the queue is copied, so a dispatch costs O(1) however many
        // workers wait.
        while idle[pack]?.isEmpty == false, let ticketID = queues[pack]?.popFirst() {
            guard var ticket = tickets[ticketID], ticket.request != nil, ticket.worker == nil else { continue }
            guard let workerID = idle[pack]?.popFirst() else {
                queues[pack]?.prepend(ticketID)
                break
            }
            guard var worker = workers[workerID], worker.hasRoom else {
                // Gone, or its credit shrank below what it holds: it rejoins the line when it answers.
                workers[workerID]?.waiting = false
                queues[pack]?.prepend(ticketID)
                continue
            }
            queuedLive[pack, default: 1] -= 1
            ticket.worker = workerID
            ticket.dispatches += 1
            ticket.sentAt = now
            tickets[ticketID] = ticket
            worker.tickets.append(ticketID)
            worker.lastSentAt = now
            worker.waiting = worker.hasRoom
            if worker.waiting { idle[pack]?.append(workerID) }
            workers[workerID] = worker
            actions.append(.sendToWorker(workerID, BrokerToWorker.request(ticket: ticketID, body: ticket.body).encode()))
        }
        return actions
    }

    /// The worker answered a ticket: it has room again, and maybe gets the next waiting ticket straight away.
    private mutating func release(_ id: PeerID, _ ticketID: TicketID, now: Int64) -> [Action] {
        guard var worker = workers[id] else { return [] }
        worker.tickets.removeAll { $0 == ticketID }
        workers[id] = worker
        if worker.hasRoom, !worker.waiting {
            worker.waiting = true
            workers[id] = worker
            idle[worker.pack, default: Deque()].append(id)
        }
        return dispatch(worker.pack, now: now)
    }

    /// DISCONNECT the worker for a protocol violation and forget it.
    mutating func violation(_ id: PeerID, _ reason: String, now: Int64) -> [Action] {
        counters.workerViolations += 1
        let goodbye = Action.sendToWorker(id, BrokerToWorker.disconnect(reason: String(reason.prefix(512))).encode())
        events.append(BrokerEvent("worker-violation", ["reason": String(reason.prefix(512))]))
        return [goodbye] + removeWorker(id, reason: "worker dropped: \(reason)", now: now)
    }

    /// Forgets a worker; each ticket it held goes to the head of the pack's queue, for another worker. The one it
    /// was evaluating (its oldest) counts as lost; a ticket lost a second time fails (a request that kills
    /// workers). Tickets wait for a worker of their pack until their deadline, even when none is left now: a
    /// worker may be restarting.
    mutating func removeWorker(_ id: PeerID, reason: String, now: Int64, keepTickets: Bool = false) -> [Action] {
        guard let worker = workers.removeValue(forKey: id) else { return [] }
        let left = (workersPerPack[worker.pack] ?? 1) - 1
        workersPerPack[worker.pack] = left > 0 ? left : nil
        idle[worker.pack]?.removeAll { $0 == id }
        var actions: [Action] = []
        var requeued: [TicketID] = []
        for (position, ticketID) in worker.tickets.enumerated() {
            guard var ticket = tickets[ticketID] else { continue }
            ticket.worker = nil
            // A worker evaluates its tickets in the order it got them, so only the oldest was being evaluated when
            // it died (a poison request kills a worker while it is the oldest). The ones behind it were waiting in
            // the worker's socket: they go back without counting as lost.
            if position > 0 || keepTickets { ticket.dispatches -= 1 }
            if ticket.request == nil {
                tickets[ticketID] = nil
            } else if keepTickets || ticket.dispatches < 2 {
                counters.ticketsRedispatched += 1
                tickets[ticketID] = ticket
                requeued.append(ticketID)
            } else {
                tickets[ticketID] = nil
                if let requestID = ticket.request {
                    actions += record(requestID, pack: worker.pack, .failure(.internalError, "worker lost while evaluating (\(reason))"))
                }
            }
        }
        // At the head of the queue, in the order the worker got them.
        for ticketID in requeued.reversed() { enqueue(ticketID, pack: worker.pack, atHead: true) }
        var fields = ["pack": worker.pack, "version": worker.version, "reason": reason]
        if let principal = worker.principal { fields["principal"] = principal }
        if !requeued.isEmpty { fields["requeued"] = String(requeued.count) }
        if left <= 0 { fields["workers_left"] = "0" }
        events.append(BrokerEvent("worker-left", fields))
        return actions + dispatch(worker.pack, now: now)
    }

    /// Heartbeats, dead workers, late tickets and missed deadlines. Call often (every 10 ms): it does work only when
    /// a worker or a request is due, so its cost does not grow with idle connections.
    public mutating func tick(now: Int64) -> [Action] {
        var actions: [Action] = []
        if now >= nextWorkerScanAt { actions += scanWorkers(now: now) }
        if now >= nextDeadlineAt {
            var next = Int64.max
            for (requestID, open) in pending {
                guard open.deadlineAt <= now else {
                    next = min(next, open.deadlineAt)
                    continue
                }
                var expired = open
                for pack in open.packs where open.results[pack] == nil && open.failures[pack] == nil {
                    expired.failures[pack] =
                        hasWorkers(pack)
                        ? (.deadlineExceeded, "pack \(pack) gave no verdict before the deadline")
                        : (.noWorkers, "no worker served pack \(pack) before the deadline")
                }
                pending[requestID] = expired
                actions += finish(requestID, now: now, expired: true)
            }
            nextDeadlineAt = next
        }
        return actions
    }

    /// Expired workers, heartbeats due, tickets kept too long past their deadline; and when to look again.
    private mutating func scanWorkers(now: Int64) -> [Action] {
        var actions: [Action] = []
        var next = now + configuration.heartbeatMilliseconds
        for (id, worker) in workers {
            if worker.expiresAt <= now {
                counters.workersExpired += 1
                actions += removeWorker(id, reason: "no heartbeat for \(configuration.liveness) intervals", now: now)
                continue
            }
            if let late = worker.tickets.first(where: { tickets[$0]?.lateSince.map { now - $0 >= configuration.lateTicketGraceMilliseconds } ?? false }) {
                counters.workersLate += 1
                actions += refuseWorker(id, reason: "kept ticket \(late) more than \(configuration.lateTicketGraceMilliseconds) ms past its deadline", now: now)
                continue
            }
            for ticketID in worker.tickets {
                if let since = tickets[ticketID]?.lateSince { next = min(next, since + configuration.lateTicketGraceMilliseconds) }
            }
            var lastSentAt = worker.lastSentAt
            if now - lastSentAt >= configuration.heartbeatMilliseconds {
                workers[id]?.lastSentAt = now
                lastSentAt = now
                actions.append(.sendToWorker(id, BrokerToWorker.heartbeat.encode()))
            }
            next = min(next, worker.expiresAt, lastSentAt + configuration.heartbeatMilliseconds)
        }
        nextWorkerScanAt = next
        return actions
    }

    /// The earliest time `tick` has work to do.
    public func nextWakeup(now: Int64) -> Int64 {
        max(min(now + configuration.heartbeatMilliseconds, nextWorkerScanAt, nextDeadlineAt), now)
    }
}
