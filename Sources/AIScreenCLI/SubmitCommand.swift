import ArgumentParser
import Foundation
import RulePacks
import Reports
import RulesEngine
import Wire
import ZeroMQ

struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Send screening requests to the broker and print the verdicts.",
        discussion: helpText("""
            Sends every FILE at once (pipelined on one connection), each under the file's "request_id": the body's \
            id is the request's identity, so sending a file again returns its verdict of record instead of screening \
            it twice. With --new-id each file gets a fresh UUID, written into the body it sends. Prints each verdict \
            as it is complete, in the order of the files: a readable explanation, or with --json the broker's \
            combined result as one JSON line. With --detail summary the broker sends the summary instead \
            (docs/PROTOCOL.md §7.5: verdicts, versions, outputs, fired rules, conditions by key and date, next steps; \
            no rationale or evidence); the journal keeps the full result either way.

            A file that cannot be read or is not JSON is reported and skipped; the others are still sent. An ERROR \
            from the broker prints "FILE: error: [code] message" on stderr. A request without an answer after \
            --timeout-ms is sent once more with the same id (the broker never evaluates it twice), and reported \
            as timed out if that fails too. With several files, a last line on stderr counts the verdicts ("submit: 18 \
            request(s): 3 approved, …"). The exit status is 1 if any file failed, got an ERROR or timed out.

            The endpoint comes from --connect, else $AISCREEN_CLIENT_ENDPOINT, else broker.client_endpoint in the \
            config, else tcp://127.0.0.1:5555.
            """)
    )

    @Argument(help: "Request files (JSON).")
    var files: [String]

    @Option(name: .long, help: "The broker's client endpoint (overrides $AISCREEN_CLIENT_ENDPOINT and the config).")
    var connect: String?

    @Option(name: .long, help: "The service: screen (every pack) or pack.<id> (one pack).")
    var service: String = "screen"

    @Flag(help: "Print the broker's combined result as one JSON line per file.")
    var json = false

    @Option(name: .long, help: "Deadline the broker gets for each request, in ms (default: the broker's).")
    var deadlineMs: UInt32?

    @Option(name: .long, help: "How long to wait for an answer before retrying once, in ms (default: deadline + 2000).")
    var timeoutMs: Int?

    @Flag(help: "Give each file a fresh UUID as its request id (written into the body) instead of its \"request_id\".")
    var newId = false

    /// The default since the body's id became the request's identity; still accepted.
    @Flag(help: .hidden)
    var idFromRequest = false

    @Option(name: .long, help: DetailLevel.help)
    var detail: DetailLevel = .full

    @Option(name: .long, help: "Language of the explanation: en or da.")
    var lang: Language = .en

    @Option(name: .long, help: "Deployment config, for the endpoint (default: config/aiscreen.yaml if present).")
    var config: String?

    func validate() throws {
        if files.isEmpty {
            throw ValidationError("give at least one request file, e.g. examples/requests/*.json")
        }
        do {
            _ = try ServiceName(service)
        } catch {
            throw ValidationError("--service '\(service)' is not a service name (e.g. screen or pack.gdpr)")
        }
        if let timeoutMs, timeoutMs < 1 {
            throw ValidationError("--timeout-ms must be at least 1")
        }
    }

    /// Added to the deadline before a request counts as unanswered.
    static let timeoutMargin = 2_000

    @OptionGroup var keys: KeyOptions

    func run() async throws {
        let deployment = try NetworkCommands.deployment(config: config)
        let endpoint = connect ?? deployment.clientEndpoint
        let curve = try keys.clientKeys(deployment)
        var failed = false
        var jobs: [SubmitSession.Job] = []
        var seen: [RequestID: String] = [:]
        for file in files {
            do {
                let job = try prepare(file, index: jobs.count)
                if let other = seen[job.requestID] {
                    throw SubmitFileError("request id '\(job.requestID)' is already used by \(other)")
                }
                seen[job.requestID] = file
                jobs.append(job)
            } catch let error as SubmitFileError {
                Console.error("\(file): error: \(error.message)")
                failed = true
            }
        }
        guard !jobs.isEmpty else { throw ExitCode.failure }
        let deadline = Deadline(milliseconds: deadlineMs ?? 0)
        let timeout = timeoutMs ?? (deadlineMs.map { Int($0) } ?? deployment.defaultDeadlineMilliseconds) + Self.timeoutMargin
        let session = SubmitSession(
            endpoint: endpoint,
            service: try ServiceName(service),
            deadline: deadline,
            timeout: .milliseconds(timeout),
            output: json ? .json : .explanation(lang),
            options: detail.options,
            curve: curve
        )
        let allAnswered = try await NetworkCommands.onThread(name: "aiscreen.submit") { [jobs] in
            try session.run(jobs)
        }
        if failed || !allAnswered {
            throw ExitCode.failure
        }
    }

    /// Reads one file and picks its request id.
    private func prepare(_ file: String, index: Int) throws(SubmitFileError) -> SubmitSession.Job {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw SubmitFileError("cannot read the file")
        }
        var body = Array(data)
        let document: JSONValue
        do {
            document = try JSONParser().parse(body)
        } catch {
            throw SubmitFileError("not JSON: \(error)")
        }
        guard case .object = document else {
            throw SubmitFileError("a request must be a JSON object, not \(document.typeName)")
        }
        let requestID: RequestID
        if newId {
            do {
                requestID = try RequestID(UUID().uuidString.lowercased())
                body = try RequestTemplate(body).body(id: requestID.rawValue)
            } catch {
                preconditionFailure("a UUID is always a valid request id, and the file is a JSON object: \(error)")
            }
        } else {
            guard case .string(let text)? = document["request_id"] else {
                throw SubmitFileError("the file has no \"request_id\" string; add one, or give --new-id for a fresh one")
            }
            do {
                requestID = try RequestID(text)
            } catch {
                throw SubmitFileError("'\(text)' is not a valid request id (\(error.message)); fix \"request_id\", or give --new-id")
            }
        }
        var screeningDate: Day?
        if case .string(let text)? = document["screening_date"] {
            screeningDate = Day(iso: text)
        }
        return SubmitSession.Job(
            index: index,
            file: file,
            requestID: requestID,
            body: body,
            screeningDate: screeningDate
        )
    }
}

/// Why one file is not sent.
struct SubmitFileError: Error {
    var message: String

    init(_ message: String) {
        self.message = message
    }
}
