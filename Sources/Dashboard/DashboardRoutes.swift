import Foundation
import HTTPTypes
import Hummingbird
import Journal
import RulesEngine

/// The routes of ``DashboardServer``: each parses the request, calls a pure function and writes its answer.
struct DashboardRoutes: Sendable {
    let server: DashboardServer

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in json(.object([("status", .string("up"))])) }
        router.get("/readyz") { _, _ in
            let readiness = Readiness(server.status())
            return json(readiness.json, status: readiness.isReady ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            server.metrics.record(snapshot: MetricSamples.broker(server.status()))
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: server.metrics.render())))
        }
        router.get("/api/status") { _, _ in status() }
        router.get("/api/screenings") { request, _ in
            try await journalRoute(request, allowed: ScreeningQuery.known) { journal, filter in
                .object([("screenings", .array(try journal.history(filter).map(ScreeningJSON.summary)))])
            }
        }
        router.get("/api/screenings/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let journal = server.journal else { return noJournal() }
            guard let record = try await offPool({ try journal.lookup(requestID: id) }) else {
                return json(.object([("error", .string("not-found")), ("message", .string("the journal has no screening with this request id"))]), status: .notFound)
            }
            return json(ScreeningJSON.detail(record))
        }
        router.get("/api/summary") { request, _ in
            try await journalRoute(request, allowed: ["since", "until"]) { journal, filter in
                var filter = filter
                filter.limit = server.scanLimit + 1
                let records = try journal.history(filter)
                return ScreeningCounts.json(Array(records.prefix(server.scanLimit)), truncated: records.count > server.scanLimit)
            }
        }
        router.get("/api/conditions") { request, _ in
            var parameters = Self.parameters(request)
            let from = parameters.removeValue(forKey: "from") ?? String(JournalTimestamp.now().description.prefix(10))
            guard JournalTimestamp(day: from) != nil else {
                return badRequest(QueryError(parameter: "from", "must be a day, YYYY-MM-DD"))
            }
            return try await journalRoute(parameters, allowed: []) { journal, filter in
                var filter = filter
                filter.limit = server.scanLimit
                return ConditionCalendar.json(ConditionCalendar.entries(try journal.history(filter), from: from), from: from)
            }
        }
        router.get("/api/events") { request, _ in
            EventStream(feed: server.feed, journal: server.journal).response(lastEventID: request.headers.first { $0.name.canonicalName == "last-event-id" }?.value)
        }
        router.get("/") { _, _ in asset(DashboardAssets.html, "text/html; charset=utf-8") }
        router.get("/dashboard.js") { _, _ in asset(DashboardAssets.script, "text/javascript; charset=utf-8") }
        router.get("/dashboard.css") { _, _ in asset(DashboardAssets.style, "text/css; charset=utf-8") }
        return router
    }

    private func status() -> Response {
        let status = server.status()
        guard case .object(var members) = Readiness(status).json else { return json(.null) }
        let counts = server.feed.counts
        members.append((
            "feed",
            .object([
                ("received", .int(Int64(counts.received))), ("missed", .int(Int64(counts.missed))),
                ("clients", .int(Int64(server.feed.clientCount))),
            ])
        ))
        return json(.object(members))
    }

    /// A journal query: 400 for a bad query, 503 without a journal, 500 when it cannot be read.
    private func journalRoute(
        _ request: Request, allowed: Set<String>, _ body: @escaping @Sendable (Journal, HistoryFilter) throws -> JSONValue
    ) async throws -> Response {
        try await journalRoute(Self.parameters(request), allowed: allowed, body)
    }

    private func journalRoute(
        _ parameters: [String: String], allowed: Set<String>, _ body: @escaping @Sendable (Journal, HistoryFilter) throws -> JSONValue
    ) async throws -> Response {
        let filter: HistoryFilter
        do {
            filter = try ScreeningQuery.filter(parameters, allowed: allowed)
        } catch {
            return badRequest(error)
        }
        guard let journal = server.journal else { return noJournal() }
        do {
            return json(try await offPool { try body(journal, filter) })
        } catch let error as JournalError {
            return json(.object([("error", .string("journal")), ("message", .string(error.message))]), status: .internalServerError)
        }
    }

    static func parameters(_ request: Request) -> [String: String] {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        return parameters
    }
}

func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
        body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(value))))
}

func badRequest(_ error: QueryError) -> Response {
    json(.object([("error", .string("bad-request")), ("parameter", .string(error.parameter)), ("message", .string(error.description))]), status: .badRequest)
}

func noJournal() -> Response {
    json(.object([("error", .string("no-journal")), ("message", .string("the broker keeps no journal (journal.path, --journal)"))]), status: .serviceUnavailable)
}

/// A page asset. The policy allows only the server's own scripts and styles: nothing in the data can run.
func asset(_ text: String, _ type: String) -> Response {
    Response(
        status: .ok,
        headers: [
            .contentType: type, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff",
            .contentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'",
        ],
        body: .init(byteBuffer: ByteBuffer(string: text)))
}
