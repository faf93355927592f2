import Broker
import Foundation
import Logging
import RulesEngine
import ServiceLifecycle
import UnixSignals
import Wire
import Synchronization
import Worker
import ZeroMQ

/// The parts of `aiscreen up` and `aiscreen broker` as services of one `ServiceGroup` (swift-service-lifecycle):
/// started together, and on SIGTERM/SIGINT shut down gracefully in reverse order — the broker first (it stops taking
/// requests and finishes those in flight, its journal committer commits what is queued), then the worker pool
/// (its workers say DISCONNECT, the shared context ends), then the HTTP server.
enum Services {
    /// Runs `services` (in start order) until a signal or until the broker ends; rethrows the first failure.
    static func run(_ services: [(name: String, service: any Service)], logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(
            services: services.map { entry in
                ServiceGroupConfiguration.ServiceConfiguration(
                    service: entry.service, successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: entry.name)
            },
            logger: logger)
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        configuration.cancellationSignals = []
        try await ServiceGroup(configuration: configuration).run()
    }
}

/// The broker's loop, on a thread of its own. A graceful shutdown (or cancellation) asks it to finish in-flight
/// requests and stop.
struct BrokerLoopService: Service {
    let broker: BrokerService
    let onListening: @Sendable (BrokerEndpoints) -> Void

    func run() async throws {
        let broker = self.broker
        let onListening = self.onListening
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await NetworkCommands.onThread(name: "aiscreen.broker") { try broker.run(onListening: onListening) }
            } onGracefulShutdown: {
                broker.shutdown()
            }
        } onCancel: {
            broker.shutdown(graceMilliseconds: 0)
        }
    }
}

/// `up`'s worker threads, connected in-process on the broker's context: started once the broker listens, stopped
/// after the broker has finished (so every ticket in flight is answered), then the context is terminated.
final class WorkerPoolService: Service, Sendable {
    let context: ZMQContext
    private let listening: AsyncStream<BrokerEndpoints>
    private let listened: AsyncStream<BrokerEndpoints>.Continuation
    private let start: @Sendable (BrokerEndpoints) -> [PackWorker]
    private let workers = Mutex<[PackWorker]>([])
    private let stopping = Mutex(false)

    /// - Parameter start: starts the workers once the broker's endpoints are bound.
    init(context: ZMQContext, start: @escaping @Sendable (BrokerEndpoints) -> [PackWorker]) {
        self.context = context
        self.start = start
        (listening, listened) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Called by the broker when it listens.
    func brokerListens(_ endpoints: BrokerEndpoints) {
        listened.yield(endpoints)
        listened.finish()
    }

    /// Puts `new` in the place of the workers serving `service` and stops those (a deploy). Returns false, and
    /// stops `new`, when the pool is shutting down.
    @discardableResult
    func replace(_ service: ServiceName, with new: [PackWorker]) -> Bool {
        let old = workers.withLock { workers -> [PackWorker]? in
            guard !stopping.withLock({ $0 }) else { return nil }
            let old = workers.filter { $0.service == service }
            workers = workers.filter { $0.service != service } + new
            return old
        }
        guard let old else {
            new.forEach { $0.stop() }
            return false
        }
        old.forEach { $0.stop() }
        return true
    }

    func run() async throws {
        for await endpoints in listening.cancelOnGracefulShutdown() {
            let started = start(endpoints)
            workers.withLock { $0 = started }
            break
        }
        try? await gracefulShutdown()
        stopping.withLock { $0 = true }
        let running = workers.withLock { $0 }
        let context = self.context
        try await NetworkCommands.onThread(name: "aiscreen.workers.stop") {
            running.forEach { $0.stop() }
            context.terminate()
        }
    }
}

/// The HTTP server (already listening, see ``HTTPServing``): stopped last, so `/healthz` and `/readyz` answer while
/// the broker drains.
struct HTTPService: Service {
    let http: HTTPServing

    func run() async throws {
        try? await gracefulShutdown()
        await http.stop()
    }
}
