import ArgumentParser
import Dispatch
import Foundation
import RulePacks
import RulesEngine
import Synchronization

/// Helpers shared by the network commands (`worker`, `submit`, `watch`).
enum NetworkCommands {
    /// Runs blocking work (libzmq polls) on a dedicated thread, so that it never blocks the cooperative pool.
    /// - Parameters:
    ///   - name: The thread's name.
    ///   - body: The work.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    static func onThread<Result: Sendable>(
        name: String,
        _ body: @escaping @Sendable () throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Swift.Result { try body() })
            }
            thread.name = name
            thread.start()
        }
    }

    /// Loads the deployment config for its endpoints and heartbeat settings; exits with the diagnostics when the
    /// file is broken. The environment (`AISCREEN_*`) overrides the file.
    /// - Parameter path: `--config`, or `nil` for `config/aiscreen.yaml` if present.
    static func deployment(config path: String?) throws -> DeploymentConfig {
        let (deployment, diagnostics) = DeploymentConfig.load(path: path)
        let errors = diagnostics.filter { $0.severity == .error }
        for diagnostic in diagnostics {
            Console.error(diagnostic.description)
        }
        if !errors.isEmpty {
            throw ExitCode.failure
        }
        return deployment
    }

    /// Catches SIGINT and SIGTERM instead of dying, so that a command can stop cleanly. After the first signal
    /// both go back to their default action: a second Ctrl-C ends the process at once.
    final class TerminationSignals: Sendable {
        private enum State {
            case waiting(CheckedContinuation<Int32, Never>?)
            case received(Int32)
        }

        /// The state the signal handlers share with ``wait()``.
        private final class Shared: Sendable {
            let state = Mutex(State.waiting(nil))
        }

        private let shared = Shared()
        /// Kept alive as long as the signals are caught.
        private let sources: Mutex<[any DispatchSourceSignal]>

        /// Starts catching the signals.
        /// - Parameter onSignal: Called once, on a Dispatch queue, with the first signal; keep it short.
        init(onSignal: @escaping @Sendable (Int32) -> Void = { _ in }) {
            let signals = [SIGINT, SIGTERM]
            let shared = self.shared
            var sources: [any DispatchSourceSignal] = []
            for number in signals {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    let first = shared.state.withLock { state -> CheckedContinuation<Int32, Never>?? in
                        guard case .waiting(let continuation) = state else { return nil }
                        state = .received(number)
                        return .some(continuation)
                    }
                    guard let first else { return }
                    for other in signals {
                        signal(other, SIG_DFL)
                    }
                    onSignal(number)
                    first?.resume(returning: number)
                }
                source.resume()
                sources.append(source)
            }
            self.sources = Mutex(sources)
        }

        /// Waits for the first signal; returns at once if it already came. Call it at most once.
        /// - Returns: The signal number.
        func wait() async -> Int32 {
            await withCheckedContinuation { continuation in
                let received = shared.state.withLock { state -> Int32? in
                    switch state {
                    case .waiting:
                        state = .waiting(continuation)
                        return nil
                    case .received(let number):
                        return number
                    }
                }
                if let received {
                    continuation.resume(returning: received)
                }
            }
        }

        /// A name such as `SIGTERM`, for messages.
        static func name(_ number: Int32) -> String {
            number == SIGTERM ? "SIGTERM" : number == SIGINT ? "SIGINT" : "signal \(number)"
        }
    }
}
