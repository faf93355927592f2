package import Wire

/// The protocol logic of one worker connection (docs/PROTOCOL.md §5.3–§5.4), without sockets or a clock.
///
/// The I/O loop feeds it what happened (a decoded message, an evaluation result, the passing of time) with the
/// current instant, and performs the ``Action``s it returns, in order. It asks the machine for ``nextDeadline``
/// to know how long it may block.
///
/// ```
///  initial ──start──► connected ──silent / DISCONNECT / socket failure──► waiting ──deadline──► connected …
///                         │  (REQUEST → evaluate → FINAL or ERROR, up to `capacity` tickets held at once;
///                         │   HEARTBEAT when nothing was sent for an interval)
///                         └──stop──► stopped (DISCONNECT sent)          waiting ──stop──► stopped
/// ```
package struct WorkerStateMachine: Sendable {
    /// A point in time on the monotonic clock.
    package typealias Instant = ContinuousClock.Instant

    /// What the I/O loop must do.
    package enum Action: Hashable, Sendable {
        /// Open a **new** DEALER socket (`ZMQ_LINGER` 0) and connect it to the broker. A ``send(_:)`` of READY
        /// always follows.
        case connect
        /// Send a message on the current socket.
        case send(WorkerMessage)
        /// Evaluate the body with the pack, then report with ``WorkerStateMachine/evaluated(ticket:outcome:now:)``.
        case evaluate(ticket: TicketID, body: [UInt8])
        /// Close the current socket.
        case close(CloseReason)
    }

    /// Why a connection ends.
    package enum CloseReason: Hashable, Sendable {
        /// Nothing arrived from the broker for liveness × interval.
        case brokerSilent
        /// The broker sent DISCONNECT.
        case brokerDisconnected(reason: String?)
        /// The socket failed (an unexpected libzmq error).
        case socketFailed
        /// The worker is stopping; a DISCONNECT was sent just before.
        case stopping
    }

    /// The result of evaluating one ticket.
    package enum Outcome: Hashable, Sendable {
        /// The pack result JSON (§7.3).
        case result(body: [UInt8])
        /// The ticket could not be evaluated.
        case failure(code: ErrorCode, message: String)
    }

    /// Where the connection is.
    package enum State: Hashable, Sendable {
        /// Not started yet.
        case initial
        /// A socket is open and READY was sent. `held` are the tickets received and not yet answered, oldest
        /// first; at most ``WorkerConfiguration/capacity``.
        case connected(lastSent: Instant, lastHeard: Instant, held: [TicketID])
        /// No socket; reconnect at the instant.
        case waiting(until: Instant)
        /// Stopped for good.
        case stopped
    }

    /// The longest ERROR message sent, in bytes (§3.2).
    package static let maxErrorMessageBytes = 1024

    /// The service announced in READY: `pack.<id>`.
    package let service: ServiceName
    /// The READY metadata JSON: `{"id","version","digest"}`; replaced when the worker reloads its pack.
    package var metadata: [UInt8]
    /// The timing and size settings.
    package let configuration: WorkerConfiguration
    /// Where the connection is.
    package private(set) var state: State = .initial
    /// The wait before the next reconnect; reset when the broker proves it accepted the worker.
    package private(set) var reconnectDelay: Duration
    /// How many connections were opened, the first included.
    package private(set) var connections = 0
    /// How long the machine waits before the next reconnect, once it is ``State/waiting(until:)``.
    package private(set) var currentWait: Duration = .zero

    /// Creates a machine in the ``State/initial`` state.
    /// - Parameters:
    ///   - service: The service to announce, `pack.<id>`.
    ///   - metadata: The READY metadata JSON.
    ///   - configuration: Heartbeat, back-off and size settings (the endpoint is not used here).
    package init(service: ServiceName, metadata: [UInt8], configuration: WorkerConfiguration) {
        self.service = service
        self.metadata = metadata
        self.configuration = configuration
        self.reconnectDelay = configuration.initialReconnectDelay
    }

    /// When the loop must call ``tick(now:)`` at the latest; `nil` when nothing is due.
    package var nextDeadline: Instant? {
        switch state {
        case .connected(let lastSent, let lastHeard, _):
            min(lastSent + configuration.heartbeatInterval, lastHeard + configuration.brokerTimeout)
        case .waiting(let until):
            until
        case .initial, .stopped:
            nil
        }
    }

    /// Opens the first connection.
    /// - Parameter now: The current instant.
    /// - Returns: Connect and send READY; nothing if already started.
    package mutating func start(now: Instant) -> [Action] {
        guard case .initial = state else { return [] }
        return connect(now: now)
    }

    /// Handles a message from the broker.
    /// - Parameters:
    ///   - message: The decoded message.
    ///   - now: The current instant.
    /// - Returns: The actions to perform.
    package mutating func received(_ message: BrokerToWorker, now: Instant) -> [Action] {
        guard case .connected(let lastSent, _, let held) = state else { return [] }
        state = .connected(lastSent: lastSent, lastHeard: now, held: held)
        switch message {
        case .heartbeat:
            reconnectDelay = configuration.initialReconnectDelay
            return []
        case .request(let newTicket, let body):
            reconnectDelay = configuration.initialReconnectDelay
            guard held.count >= configuration.capacity else {
                state = .connected(lastSent: lastSent, lastHeard: now, held: held + [newTicket])
                return [.evaluate(ticket: newTicket, body: body)]
            }
            // The broker broke §5.3 (at most `capacity` tickets at once). Refuse the newcomer; keep the others.
            state = .connected(lastSent: now, lastHeard: now, held: held)
            let message =
                "this worker already holds \(held.count) tickets, its capacity; the broker sent another before an answer"
            return [.send(.error(ticket: newTicket, code: .internalError, message: message))]
        case .disconnect(let reason):
            return closeAndWait(.brokerDisconnected(reason: reason), now: now)
        }
    }

    /// Handles a message from the broker that could not be decoded. It is dropped, but it still shows that the
    /// broker is alive (§5.4: any message counts).
    /// - Parameter now: The current instant.
    /// - Returns: No actions.
    package mutating func receivedUndecodable(now: Instant) -> [Action] {
        guard case .connected(let lastSent, _, let held) = state else { return [] }
        state = .connected(lastSent: lastSent, lastHeard: now, held: held)
        return []
    }

    /// Reports the outcome of an ``Action/evaluate(ticket:body:)``.
    /// - Parameters:
    ///   - ticket: The ticket evaluated.
    ///   - outcome: The pack result, or why there is none.
    ///   - now: The current instant.
    /// - Returns: Send FINAL or ERROR; nothing if the ticket is not one this connection holds (the connection was
    ///   lost meanwhile).
    package mutating func evaluated(ticket: TicketID, outcome: Outcome, now: Instant) -> [Action] {
        guard case .connected(_, let lastHeard, var held) = state, let index = held.firstIndex(of: ticket) else { return [] }
        held.remove(at: index)
        state = .connected(lastSent: now, lastHeard: lastHeard, held: held)
        let reply: WorkerMessage
        switch outcome {
        case .result(let body):
            let final = WorkerMessage.final(ticket: ticket, body: body)
            let size = final.encode().reduce(0) { $0 + $1.count }
            if size <= configuration.maxMessageSize {
                reply = final
            } else {
                let message =
                    "the pack result is \(size) bytes, over the max message size of "
                    + "\(configuration.maxMessageSize) bytes"
                reply = .error(ticket: ticket, code: .internalError, message: message)
            }
        case .failure(let code, let message):
            reply = .error(ticket: ticket, code: code, message: Self.truncated(message))
        }
        return [.send(reply)]
    }

    /// Lets time pass: sends a HEARTBEAT after an interval without sending, gives up on a silent broker, and
    /// reconnects when the back-off has passed.
    /// - Parameter now: The current instant.
    /// - Returns: The actions to perform.
    package mutating func tick(now: Instant) -> [Action] {
        switch state {
        case .connected(let lastSent, let lastHeard, let held):
            if now - lastHeard >= configuration.brokerTimeout {
                return closeAndWait(.brokerSilent, now: now)
            }
            if now - lastSent >= configuration.heartbeatInterval {
                state = .connected(lastSent: now, lastHeard: lastHeard, held: held)
                return [.send(.heartbeat)]
            }
            return []
        case .waiting(let until):
            return now >= until ? connect(now: now) : []
        case .initial, .stopped:
            return []
        }
    }

    /// Reports that the socket failed (a send or poll error other than a full queue).
    /// - Parameter now: The current instant.
    /// - Returns: Close the socket and wait for the back-off.
    package mutating func socketFailed(now: Instant) -> [Action] {
        guard case .connected = state else { return [] }
        return closeAndWait(.socketFailed, now: now)
    }

    /// Stops for good: says goodbye to the broker if connected (§5.3 step 4).
    /// - Parameter now: The current instant.
    /// - Returns: Send DISCONNECT and close, or nothing when no socket is open.
    package mutating func stop(now: Instant) -> [Action] {
        defer { state = .stopped }
        guard case .connected = state else { return [] }
        return [.send(.disconnect(reason: "worker stopping")), .close(.stopping)]
    }

    private mutating func connect(now: Instant) -> [Action] {
        connections += 1
        state = .connected(lastSent: now, lastHeard: now, held: [])
        return [.connect, .send(.ready(service: service, metadata: metadata))]
    }

    private mutating func closeAndWait(_ reason: CloseReason, now: Instant) -> [Action] {
        state = .waiting(until: now + reconnectDelay)
        currentWait = reconnectDelay
        reconnectDelay = min(reconnectDelay * 2, configuration.maxReconnectDelay)
        return [.close(reason)]
    }

    /// Cuts a message to at most ``maxErrorMessageBytes`` of UTF-8, at a character boundary.
    static func truncated(_ message: String) -> String {
        guard message.utf8.count > maxErrorMessageBytes else { return message }
        var result = ""
        var size = 0
        let ellipsis = "…"
        for character in message {
            let length = character.utf8.count
            guard size + length + ellipsis.utf8.count <= maxErrorMessageBytes else { break }
            result.append(character)
            size += length
        }
        return result + ellipsis
    }
}
