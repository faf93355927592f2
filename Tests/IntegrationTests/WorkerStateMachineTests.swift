import Testing
import Wire
import Worker

/// The pure protocol logic of one worker connection, driven with made-up instants.
struct WorkerStateMachineTests {
    typealias Action = WorkerStateMachine.Action

    let t0 = ContinuousClock.now
    let configuration = WorkerConfiguration(
        heartbeatInterval: .milliseconds(1000),
        heartbeatLiveness: 3,
        initialReconnectDelay: .seconds(1),
        maxReconnectDelay: .seconds(30),
        maxMessageSize: 4096
    )
    let metadata = Array(#"{"id":"gdpr","version":"3","digest":"sha256:00"}"#.utf8)

    func machine() throws -> WorkerStateMachine {
        WorkerStateMachine(service: try ServiceName.pack("gdpr"), metadata: metadata, configuration: configuration)
    }

    func ms(_ milliseconds: Int) -> ContinuousClock.Instant {
        t0 + .milliseconds(milliseconds)
    }

    func ticket(_ text: String) throws -> TicketID {
        try TicketID(text)
    }

    @Test func startingConnectsAndSendsReadyWithTheServiceAndMetadata() throws {
        var machine = try machine()
        #expect(machine.nextDeadline == nil)
        let actions = machine.start(now: t0)
        #expect(actions == [.connect, .send(.ready(service: try ServiceName.pack("gdpr"), metadata: metadata))])
        #expect(machine.connections == 1)
        #expect(machine.nextDeadline == ms(1000))
        #expect(machine.start(now: ms(1)) == [])
    }

    @Test func anIdleWorkerHeartbeatsOncePerIntervalWithoutOtherTraffic() throws {
        var machine = try machine()
        _ = machine.start(now: t0)
        #expect(machine.tick(now: ms(999)) == [])
        #expect(machine.tick(now: ms(1000)) == [.send(.heartbeat)])
        #expect(machine.tick(now: ms(1500)) == [])
        #expect(machine.received(.heartbeat, now: ms(1900)).isEmpty)
        #expect(machine.tick(now: ms(2000)) == [.send(.heartbeat)])
        #expect(machine.nextDeadline == ms(3000))
    }

    @Test func aRequestIsEvaluatedAndAnsweredWithFinal() throws {
        var machine = try machine()
        _ = machine.start(now: t0)
        let body = Array("{}".utf8)
        #expect(
            machine.received(.request(ticket: try ticket("t-1"), body: body), now: ms(10)) == [
                .evaluate(ticket: try ticket("t-1"), body: body)
            ]
        )
        #expect(machine.state == .connected(lastSent: t0, lastHeard: ms(10), held: [try ticket("t-1")]))
        let result = Array(#"{"verdict":"approved"}"#.utf8)
        let actions = machine.evaluated(ticket: try ticket("t-1"), outcome: .result(body: result), now: ms(20))
        #expect(actions == [.send(.final(ticket: try ticket("t-1"), body: result))])
        #expect(machine.state == .connected(lastSent: ms(20), lastHeard: ms(10), held: []))
        // The FINAL counts as traffic: the next heartbeat is one interval after it.
        #expect(machine.tick(now: ms(1010)) == [])
        #expect(machine.tick(now: ms(1020)) == [.send(.heartbeat)])
    }

    @Test func aFailedEvaluationIsAnsweredWithErrorAndALongMessageIsCut() throws {
        var machine = try machine()
        _ = machine.start(now: t0)
        _ = machine.received(.request(ticket: try ticket("t-2"), body: []), now: ms(1))
        let long = String(repeating: "æ", count: 2000)
        let actions = machine.evaluated(
            ticket: try ticket("t-2"),
            outcome: .failure(code: .schemaViolation, message: long),
            now: ms(2)
        )
        guard case .send(.error(let ticket, let code, let message))? = actions.first, actions.count == 1 else {
            Issue.record("expected one ERROR, got \(actions)")
            return
        }
        #expect(ticket == (try self.ticket("t-2")))
        #expect(code == .schemaViolation)
        #expect(message.utf8.count <= 1024)
        #expect(message.hasSuffix("…"))
    }

    @Test func aResultOverTheMaxMessageSizeBecomesAnInternalError() throws {
        var machine = try machine()
        _ = machine.start(now: t0)
        _ = machine.received(.request(ticket: try ticket("t-3"), body: []), now: ms(1))
        let huge = [UInt8](repeating: UInt8(ascii: "x"), count: 5000)
        let actions = machine.evaluated(ticket: try ticket("t-3"), outcome: .result(body: huge), now: ms(2))
        guard case .send(.error(_, let code, _))? = actions.first else {
            Issue.record("expected an ERROR, got \(actions)")
            return
        }
        #expect(code == .internalError)
    }

    @Test func aSecondRequestWhileBusyIsRefusedAndTheFirstStillAnswered() throws {
        var machine = try machine()
        _ = machine.start(now: t0)
        _ = machine.received(.request(ticket: try ticket("a"), body: []), now: ms(1))
        let refused = machine.received(.request(ticket: try ticket("b"), body: []), now: ms(2))
        guard case .send(.error(let ticket, let code, _))? = refused.first else {
            Issue.record("expected an ERROR, got \(refused)")
            return
        }
        #expect(ticket == (try self.ticket("b")))
        #expect(code == .internalError)
        #expect(machine.evaluated(ticket: try self.ticket("b"), outcome: .result(body: []), now: ms(3)) == [])
        #expect(
            machine.evaluated(ticket: try self.ticket("a"), outcome: .result(body: []), now: ms(3)) == [
                .send(.final(ticket: try self.ticket("a"), body: []))
            ]
        )
    }

    @Test func aWorkerWithCapacityHoldsThatManyTicketsAndAnswersThemInAnyOrder() throws {
        var settings = configuration
        settings.capacity = 2
        var machine = WorkerStateMachine(service: try ServiceName.pack("gdpr"), metadata: metadata, configuration: settings)
        _ = machine.start(now: t0)
        #expect(machine.received(.request(ticket: try ticket("a"), body: []), now: ms(1)) == [.evaluate(ticket: try ticket("a"), body: [])])
        #expect(machine.received(.request(ticket: try ticket("b"), body: []), now: ms(2)) == [.evaluate(ticket: try ticket("b"), body: [])])
        #expect(machine.state == .connected(lastSent: t0, lastHeard: ms(2), held: [try ticket("a"), try ticket("b")]))
        let third = machine.received(.request(ticket: try ticket("c"), body: []), now: ms(3))
        guard case .send(.error(let refused, .internalError, let message))? = third.first, third.count == 1 else {
            Issue.record("expected one ERROR for the third ticket, got \(third)")
            return
        }
        #expect(refused == (try ticket("c")))
        #expect(message.contains("capacity"))
        #expect(machine.evaluated(ticket: try ticket("b"), outcome: .result(body: []), now: ms(4)) == [.send(.final(ticket: try ticket("b"), body: []))])
        #expect(machine.received(.request(ticket: try ticket("d"), body: []), now: ms(5)) == [.evaluate(ticket: try ticket("d"), body: [])])
        #expect(machine.evaluated(ticket: try ticket("a"), outcome: .result(body: []), now: ms(6)) == [.send(.final(ticket: try ticket("a"), body: []))])
        #expect(machine.evaluated(ticket: try ticket("a"), outcome: .result(body: []), now: ms(7)) == [])
        #expect(machine.state == .connected(lastSent: ms(6), lastHeard: ms(5), held: [try ticket("d")]))
    }

    @Test func aSilentBrokerIsLeftAfterLivenessTimesIntervalAndReconnectedAfterTheBackOff() throws {
        var machine = try machine()
        _ = machine.start(now: t0)
        _ = machine.tick(now: ms(1000))
        _ = machine.tick(now: ms(2000))
        #expect(machine.tick(now: ms(2999)) == [])
        #expect(machine.tick(now: ms(3000)) == [.close(.brokerSilent)])
        #expect(machine.state == .waiting(until: ms(4000)))
        #expect(machine.nextDeadline == ms(4000))
        #expect(machine.tick(now: ms(3999)) == [])
        let reconnect = machine.tick(now: ms(4000))
        #expect(reconnect == [.connect, .send(.ready(service: try ServiceName.pack("gdpr"), metadata: metadata))])
        #expect(machine.connections == 2)
    }

    @Test func anyMessageFromTheBrokerKeepsTheConnectionAlive() throws {
        var machine = try machine()
        _ = machine.start(now: t0)
        _ = machine.receivedUndecodable(now: ms(2500))
        #expect(machine.tick(now: ms(3000)) == [.send(.heartbeat)])
        #expect(machine.tick(now: ms(5499)) == [.send(.heartbeat)])
        #expect(machine.tick(now: ms(5500)) == [.close(.brokerSilent)])
    }

    @Test func theBackOffDoublesUpToTheMaximumAndResetsWhenTheBrokerAnswers() throws {
        var machine = try machine()
        var now = t0
        _ = machine.start(now: now)
        var waits: [Duration] = []
        for _ in 0..<7 {
            now += configuration.brokerTimeout
            #expect(machine.tick(now: now) == [.close(.brokerSilent)])
            guard case .waiting(let until) = machine.state else {
                Issue.record("expected to wait, is \(machine.state)")
                return
            }
            waits.append(until - now)
            now = until
            #expect(machine.tick(now: now).first == .connect)
        }
        #expect(waits == [1, 2, 4, 8, 16, 30, 30].map { Duration.seconds($0) })
        _ = machine.received(.heartbeat, now: now)
        #expect(machine.reconnectDelay == .seconds(1))
    }

    @Test func disconnectFromTheBrokerClosesAndReconnectsAfterTheBackOff() throws {
        var machine = try machine()
        _ = machine.start(now: t0)
        #expect(
            machine.received(.disconnect(reason: "unknown worker"), now: ms(100)) == [
                .close(.brokerDisconnected(reason: "unknown worker"))
            ]
        )
        #expect(machine.state == .waiting(until: ms(1100)))
        // A DISCONNECT does not prove the broker accepted the worker, so the back-off keeps growing.
        #expect(machine.reconnectDelay == .seconds(2))
        #expect(machine.tick(now: ms(1100)).first == .connect)
    }

    @Test func anAnswerForATicketLostWithTheConnectionIsNotSent() throws {
        var machine = try machine()
        _ = machine.start(now: t0)
        _ = machine.received(.request(ticket: try ticket("t"), body: []), now: ms(1))
        _ = machine.socketFailed(now: ms(2))
        #expect(machine.evaluated(ticket: try ticket("t"), outcome: .result(body: []), now: ms(3)) == [])
    }

    @Test func stoppingSaysGoodbyeWhenConnectedAndNothingElse() throws {
        var connected = try machine()
        _ = connected.start(now: t0)
        #expect(connected.stop(now: ms(5)) == [.send(.disconnect(reason: "worker stopping")), .close(.stopping)])
        #expect(connected.state == .stopped)
        #expect(connected.tick(now: ms(10_000)) == [])
        #expect(connected.received(.heartbeat, now: ms(10_000)) == [])
        #expect(connected.nextDeadline == nil)

        var waiting = try machine()
        _ = waiting.start(now: t0)
        _ = waiting.received(.disconnect(reason: nil), now: ms(1))
        #expect(waiting.stop(now: ms(2)) == [])
        #expect(waiting.tick(now: ms(60_000)) == [])

        var neverStarted = try machine()
        #expect(neverStarted.stop(now: t0) == [])
        #expect(neverStarted.start(now: t0) == [])
    }
}
