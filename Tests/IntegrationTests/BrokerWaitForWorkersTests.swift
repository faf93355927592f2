import Broker
import Foundation
import Logging
import RulePacks
import RulesEngine
import Synchronization
import Testing
import Worker
import ZeroMQ

/// `BrokerService.waitForWorkers`, which `aiscreen up` waits on before it says "ready": a real broker on its
/// own thread and real pack workers over loopback TCP.
@Suite(.timeLimit(.minutes(1)))
struct BrokerWaitForWorkersTests {
    final class Bound: Sendable {
        let endpoints = Mutex<BrokerEndpoints?>(nil)
        let finished = Mutex(false)
    }

    @Test func itReturnsOnlyOnceTheExpectedWorkersAreRegisteredAndReportsTheShortfallOtherwise() throws {
        let loaded = PackLoader().load(directory: WorkerFixtures.repository + "/rules/gdpr")
        let pack = try #require(loaded.pack)
        let any = "tcp://127.0.0.1:*"
        let service = try BrokerService(
            configuration: BrokerConfiguration(active: [ActivePack(id: pack.id, version: pack.version, digest: pack.digest)]), endpoints: BrokerEndpoints(client: any, worker: any, publish: any), schema: pack.schema,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let bound = Bound()
        let thread = Thread {
            try? service.run { endpoints in bound.endpoints.withLock { $0 = endpoints } }
            bound.finished.withLock { $0 = true }
        }
        thread.start()
        let context = try ZMQContext()
        var workers: [PackWorker] = []
        defer {
            workers.forEach { $0.stop() }
            context.terminate()
            service.shutdown(graceMilliseconds: 0)
            while !bound.finished.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) }
        }
        var endpoints: BrokerEndpoints?
        for _ in 0..<500 where endpoints == nil {
            endpoints = bound.endpoints.withLock { $0 }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let workerEndpoint = try #require(endpoints?.worker)

        #expect(service.waitForWorkers(["gdpr": 2], timeout: .milliseconds(300)) == ["gdpr": 0], "nobody registered yet")
        for _ in 1...2 {
            let worker = try PackWorker(pack: pack, configuration: WorkerConfiguration(endpoint: workerEndpoint), context: context)
            try worker.start()
            workers.append(worker)
        }
        #expect(service.waitForWorkers(["gdpr": 2], timeout: .seconds(20)) == [:])
        #expect(service.workerCounts["gdpr"] == 2, "the wait returned before both workers had registered")
        #expect(service.waitForWorkers(["gdpr": 3], timeout: .milliseconds(300)) == ["gdpr": 2], "a third one never comes")
    }
}
