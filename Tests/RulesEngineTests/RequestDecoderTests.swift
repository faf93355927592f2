import Testing

@testable import RulesEngine

struct RequestDecoderTests {
    // MARK: - Valid requests and defaults

    @Test func omittedSectionsTakeTheirNestedDefaults() throws {
        let request = try decodeRequest(requestJSON())
        #expect(request.requestID == "T-1")
        #expect(request.top("schema_version") == .string("1.0"))
        #expect(request.value(at: "screening_date") == .date(Day(year: 2026, month: 11, day: 27)))
        let expected: [(String, Value)] = [
            ("planned_go_live", .null),
            ("requester.organisation", .string("Aarhus Kommune")),
            ("requester.department", .null),
            ("requester.is_public_authority", .bool(true)),
            ("tool.name", .null),
            ("tool.municipality_role", .string("deployer")),
            ("tool.deployment_context", .string("internal")),
            ("tool.users_count", .int(0)),
            ("ai.is_ai_system", .bool(true)),
            ("ai.capabilities", .list([])),
            ("ai.use_domain", .string("general_productivity")),
            ("ai.decision_role", .string("none")),
            ("ai.provider_art6_3_documented", .null),
            ("ai.annex_i_product", .null),
            ("ai.emotion_recognition", .null),
            ("ai.synthetic_content", .null),
            ("ai.transparency.ai_interaction_disclosed", .null),
            ("data.personal_data", .bool(false)),
            ("data.personal_data_scope", .string("none")),
            ("data.data_subjects", .list([])),
            ("data.art22_exception", .null),
            ("hosting.processing_regions", .list([])),
            ("hosting.transfer_mechanism", .null),
            ("workplace.employees_affected_count", .int(0)),
            ("workplace.control_measure_notice_weeks", .null),
            ("governance.fria_completed", .bool(false)),
        ]
        for (path, value) in expected {
            #expect(request.value(at: path) == value, "\(path)")
        }
    }

    @Test func aPartialSectionKeepsDefaultsForTheRest() throws {
        let request = try decodeRequest(
            requestJSON(
                #""tool": {"name": "Journalassistent", "users_count": 200}, "ai": {"transparency": {"output_machine_marked": true}}"#
            )
        )
        #expect(request.value(at: "tool.name") == .string("Journalassistent"))
        #expect(request.value(at: "tool.users_count") == .int(200))
        #expect(request.value(at: "tool.vendor") == .null)
        #expect(request.value(at: "tool.municipality_role") == .string("deployer"))
        #expect(request.value(at: "ai.transparency.output_machine_marked") == .bool(true))
        #expect(request.value(at: "ai.transparency.deepfake_disclosed") == .null)
        #expect(request.value(at: "ai.is_ai_system") == .bool(true))
    }

    @Test func aNullableObjectGivenAsEmptyTakesItsFieldDefaults() throws {
        let request = try decodeRequest(
            requestJSON(#""ai": {"emotion_recognition": {}, "synthetic_content": {"types": ["text"]}}"#)
        )
        #expect(request.value(at: "ai.emotion_recognition.subjects") == .null)
        #expect(request.value(at: "ai.emotion_recognition.based_on_biometric_data") == .null)
        #expect(request.value(at: "ai.synthetic_content.types") == .list([.string("text")]))
        #expect(request.value(at: "ai.synthetic_content.alters_input_semantics") == .bool(true))
        #expect(request.value(at: "ai.synthetic_content.deepfake") == .bool(false))
    }

    @Test func nullIsAcceptedWhereTheSchemaAllowsIt() throws {
        let request = try decodeRequest(
            requestJSON(
                #""planned_go_live": null, "tool": {"name": null}, "ai": {"emotion_recognition": null, "gpai_systemic_risk_model": null}, "hosting": {"transfer_mechanism": null}"#
            )
        )
        #expect(request.value(at: "planned_go_live") == .null)
        #expect(request.value(at: "tool.name") == .null)
        #expect(request.value(at: "hosting.transfer_mechanism") == .null)
    }

    @Test func datesAreDecodedAsDays() throws {
        let request = try decodeRequest(requestJSON(#""planned_go_live": "2027-12-02""#, screeningDate: "2024-02-29"))
        #expect(request.value(at: "planned_go_live") == .date(Day(year: 2027, month: 12, day: 2)))
        #expect(request.value(at: "screening_date") == .date(Day(year: 2024, month: 2, day: 29)))
    }

    @Test func decodesFromBytesAndFromAParsedDocument() throws {
        let text = requestJSON(#""tool": {"name": "X"}"#)
        let decoder = RequestDecoder(schema: Repository.requestSchema)
        let fromBytes = try Array(text.utf8).withUnsafeBufferPointer { try decoder.decode(bytes: $0) }
        let fromDocument = try decoder.decode(try JSONParser().parse(text))
        #expect(fromBytes.root == fromDocument.root)
        #expect(fromBytes.value(at: "tool.name") == .string("X"))
        #expect(fromBytes.schema === Repository.requestSchema)
    }

    @Test(
        arguments: Repository.exampleFiles("requests").map { "requests/" + $0 }
            + Repository.exampleFiles("minimal").map { "minimal/" + $0 }
    )
    func everyExampleRequestIsValid(file: String) throws {
        _ = try decodeRequest(try Repository.text("examples/" + file))
    }

    @Test func theExampleFoldersAreNotEmpty() {
        #expect(Repository.exampleFiles("requests").count == 18)
        #expect(Repository.exampleFiles("minimal").count == 2)
        #expect(Repository.exampleFiles("invalid").count == Self.invalidExamples.count)
    }

    // MARK: - Invalid requests

    static let invalidExamples: [String: (RequestError.Code, String)] = [
        "boolean-as-string.json": (.wrongType, "$.data.personal_data"),
        "control-character-in-department.json": (.controlCharacter, "$.requester.department"),
        "date-not-iso-format.json": (.malformedDate, "$.planned_go_live"),
        "empty-request-id.json": (.outOfRange, "$.request_id"),
        "enum-misspelled-special-category.json": (.notInEnum, "$.data.special_categories[0]"),
        "malformed-date.json": (.malformedDate, "$.screening_date"),
        "missing-request-id.json": (.missingField, "$.request_id"),
        "negative-employee-count.json": (.outOfRange, "$.workplace.employees_affected_count"),
        "not-json.json": (.invalidJSON, "$"),
        "nullable-enum-unknown-value.json": (.notInEnum, "$.hosting.transfer_mechanism"),
        "schema-version-as-number.json": (.wrongType, "$.schema_version"),
        "section-is-null.json": (.wrongType, "$.data"),
        "single-value-instead-of-list.json": (.wrongType, "$.data.data_subjects"),
        "truncated-json.json": (.invalidJSON, "$"),
        "unknown-field-in-section.json": (.unknownField, "$.tool.price_dkk"),
        "unknown-top-level-field.json": (.unknownField, "$.priority"),
        "vendor-country-three-letters.json": (.outOfRange, "$.tool.vendor_country"),
        "wrong-schema-version.json": (.wrongVersion, "$.schema_version"),
    ]

    @Test(arguments: Repository.exampleFiles("invalid"))
    func everyInvalidExampleHasExactlyItsOneDefect(file: String) throws {
        let expected = try #require(Self.invalidExamples[file], "no expectation for examples/invalid/\(file)")
        let errors = validationErrors(try Repository.text("examples/invalid/" + file))
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.code == expected.0)
        #expect(errors.first?.path == expected.1)
    }

    @Test func unknownFieldsSuggestTheNearestName() {
        let errors = validationErrors(requestJSON(#""data": {"personal_dta": true}, "priority": 1"#))
        #expect(errors.map(\.code) == [.unknownField, .unknownField])
        #expect(errors.map(\.path) == ["$.data.personal_dta", "$.priority"])
        #expect(errors.first?.message == "unknown field 'personal_dta' — did you mean 'personal_data'?")
        #expect(errors.last?.message == "unknown field 'priority'", "no suggestion when nothing is close")
    }

    @Test(arguments: [
        (#""data": {"personal_data": "true"}"#, "$.data.personal_data", "expected boolean, found string \"true\""),
        (#""ai": {"profiling": 1}"#, "$.ai.profiling", "expected boolean, found integer 1"),
        (#""ai": {"profiling": null}"#, "$.ai.profiling", "null is not allowed here (expected boolean)"),
        (#""tool": {"users_count": false}"#, "$.tool.users_count", "expected integer, found boolean false"),
        (#""tool": {"users_count": 1.0}"#, "$.tool.users_count", "expected integer, found number 1.0"),
        (#""tool": {"users_count": 1e2}"#, "$.tool.users_count", "expected integer, found number 100.0"),
        (#""tool": {"users_count": "3"}"#, "$.tool.users_count", "expected integer, found string \"3\""),
        (
            #""ai": {"capabilities": "summarisation"}"#, "$.ai.capabilities",
            "expected list of enum, found string \"summarisation\""
        ),
        (#""ai": {"emotion_recognition": []}"#, "$.ai.emotion_recognition", "expected object|null, found array "),
        (
            #""ai": {"gpai_systemic_risk_model": "false"}"#, "$.ai.gpai_systemic_risk_model",
            "expected boolean|null, found string \"false\""
        ),
        (#""data": null"#, "$.data", "null is not allowed here (expected object)"),
        (#""tool": {"name": 7}"#, "$.tool.name", "expected string|null, found integer 7"),
        (
            #""workplace": {"control_measure_notice_weeks": 6.5}"#, "$.workplace.control_measure_notice_weeks",
            "expected integer|null, found number 6.5"
        ),
    ])
    func nothingIsCoerced(members: String, path: String, message: String) {
        let errors = validationErrors(requestJSON(members))
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.code == .wrongType)
        #expect(errors.first?.path == path)
        #expect(errors.first?.message == message)
    }

    @Test func aNumberFieldTakesIntegersAndDecimalsButNeverBooleansOrText() throws {
        let schema = try SchemaLoader.load(
            json:
                #"{"type": "object", "additionalProperties": false, "required": ["n"], "properties": {"n": {"type": "number", "minimum": 0, "maximum": 10}}}"#
        )
        let decoder = RequestDecoder(schema: schema)
        #expect(try decoder.decode(json: #"{"n": 1}"#).root == .object([.number(1)]))
        #expect(try decoder.decode(json: #"{"n": 2.5}"#).root == .object([.number(2.5)]))
        for bad in ["false", "true", #""1""#, "[1]", "null"] {
            let errors = validationErrors(#"{"n": \#(bad)}"#, schema: schema)
            #expect(errors.map(\.code) == [.wrongType], "\(bad)")
        }
        let range = validationErrors(#"{"n": 10.5}"#, schema: schema)
        #expect(range.map(\.code) == [.outOfRange])
        #expect(range.first?.message == "10.5 is above the maximum 10.0")
    }

    @Test func misspelledEnumValuesNameTheirPathAndSuggestAValue() {
        let errors = validationErrors(
            requestJSON(
                #""data": {"special_categories": ["health", "helth"]}, "ai": {"emotion_recognition": {"purpose": "medicl"}}"#
            )
        )
        #expect(errors.map(\.code) == [.notInEnum, .notInEnum])
        #expect(errors.map(\.path) == ["$.data.special_categories[1]", "$.ai.emotion_recognition.purpose"])
        #expect(
            errors.first?.message.hasSuffix(#" — did you mean "health"?"#) == true,
            "\(errors.first?.message ?? "")"
        )
        #expect(errors.first?.message.hasPrefix(#""helth" is not one of "health", "trade_union_membership""#) == true)
        #expect(errors.last?.message.hasSuffix(#" — did you mean "medical"?"#) == true)
    }

    @Test(arguments: [
        "2026-02-30", "2026-13-01", "2026-00-10", "2026-04-31", "2100-02-29", "2026-02-29", "2026-1-01", "27-11-2026",
        "2026-11-27T00:00:00", "2026/11/27", "", "２０２６-11-27",
    ])
    func malformedDatesAreRejected(date: String) {
        let errors = validationErrors(requestJSON(screeningDate: date))
        #expect(errors.map(\.code) == [.malformedDate])
        #expect(errors.first?.path == "$.screening_date")
        #expect(errors.first?.message == "\"\(date)\" is not a date (YYYY-MM-DD)")
    }

    @Test(arguments: ["2024-02-29", "2000-02-29", "2026-12-31", "2026-01-01", "1970-01-01", "2099-06-30"])
    func realDatesAreAccepted(date: String) throws {
        let request = try decodeRequest(requestJSON(screeningDate: date))
        let day = try #require(Day(iso: date))
        #expect(request.value(at: "screening_date") == .date(day))
        #expect(day.description == date)
    }

    @Test func missingRequiredFieldsAreAllReported() {
        let errors = validationErrors("{}")
        #expect(errors.map(\.code) == [.missingField, .missingField, .missingField])
        #expect(errors.map(\.path) == ["$.schema_version", "$.request_id", "$.screening_date"])
        #expect(errors.allSatisfy { $0.message == "required field is missing" })
    }

    @Test func aWrongSchemaVersionHasItsOwnCode() {
        let errors = validationErrors(#"{"schema_version": "2.0", "request_id": "r", "screening_date": "2026-11-27"}"#)
        #expect(errors.map(\.code) == [.wrongVersion])
        #expect(errors.first?.path == "$.schema_version")
        #expect(errors.first?.message == #""2.0" must be "1.0""#)
        #expect(RequestError.Code.wrongVersion.description == "wrong-schema-version")
    }

    @Test(arguments: [
        (#""request_id": """#, "$.request_id", "text shorter than 1 characters"),
        (#""tool": {"vendor_country": "D"}"#, "$.tool.vendor_country", "text shorter than 2 characters"),
        (#""tool": {"vendor_country": "DNK"}"#, "$.tool.vendor_country", "text longer than 2 characters"),
        (#""tool": {"users_count": -1}"#, "$.tool.users_count", "-1 is below the minimum 0"),
        (
            #""workplace": {"control_measure_notice_weeks": 105}"#, "$.workplace.control_measure_notice_weeks",
            "105 is above the maximum 104"
        ),
        (#""data": {"data_subjects": ["citizens", "citizens"]}"#, "$.data.data_subjects", "elements must be unique"),
    ])
    func limitsOfTheSchemaAreEnforced(members: String, path: String, message: String) {
        let json =
            members.hasPrefix(#""request_id""#)
            ? #"{"schema_version": "1.0", \#(members), "screening_date": "2026-11-27"}"# : requestJSON(members)
        let errors = validationErrors(json)
        #expect(errors.map(\.code) == [.outOfRange])
        #expect(errors.first?.path == path)
        #expect(errors.first?.message == message)
    }

    @Test func aListLongerThanMaxItemsIsRejected() {
        let labels = (0..<65).map { "\"c\($0)\"" }.joined(separator: ", ")
        let errors = validationErrors(requestJSON(#""data": {"categories": [\#(labels)]}"#))
        #expect(errors.map(\.code) == [.outOfRange])
        #expect(errors.first?.path == "$.data.categories")
        #expect(errors.first?.message == "more than 64 elements")
    }

    @Test func allErrorsAreReportedAtOnceInDocumentOrder() {
        let json = """
            {
              "request_id": "",
              "schema_version": "0.9",
              "tool": {"users_count": -1, "nam": "x"},
              "ai": {"capabilities": ["summarisation", "sumarisation"], "profiling": "no"},
              "data": {"personal_data": "yes"},
              "screening_date": "2026-02-30",
              "extra": 1
            }
            """
        let errors = validationErrors(json)
        #expect(
            errors.map(\.path) == [
                "$.request_id", "$.schema_version", "$.tool.users_count", "$.tool.nam", "$.ai.capabilities[1]",
                "$.ai.profiling", "$.data.personal_data", "$.screening_date", "$.extra",
            ]
        )
        #expect(
            errors.map(\.code) == [
                .outOfRange, .wrongVersion, .outOfRange, .unknownField, .notInEnum, .wrongType, .wrongType,
                .malformedDate, .unknownField,
            ]
        )
        #expect(errors[3].message == "unknown field 'nam' — did you mean 'name'?")
        let error = RequestValidationError(errors: errors)
        #expect(error.description.split(separator: "\n").count == errors.count)
        #expect(error.description.hasPrefix("$.request_id: text shorter than 1 characters\n"))
    }

    @Test func textThatIsNotJSONGivesOneInvalidJSONError() {
        let errors = validationErrors("{\n  \"schema_version\": \"1.0\",\n  \"request_id\": tru\n}")
        #expect(errors.map(\.code) == [.invalidJSON])
        #expect(errors.first?.path == "$")
        #expect(errors.first?.message == "line 3, column 17: unknown literal (JSON has only true, false and null)")
    }

    @Test func theDecoderEnforcesItsJSONLimits() {
        let decoder = RequestDecoder(schema: Repository.requestSchema, limits: JSONLimits(maxStringLength: 8))
        let error = #expect(throws: RequestValidationError.self) {
            try decoder.decode(json: requestJSON(id: "a-very-long-id"))
        }
        #expect(error?.errors.map(\.code) == [.invalidJSON])
        #expect(error?.errors.first?.message.contains("string longer than 8 bytes") == true)
    }

    /// A list element that has the wrong type must be reported once, not also as a duplicate of another broken
    /// element: `[1, 2]` has no repeated element.
    @Test func brokenListElementsAreNotReportedAsDuplicates() {
        let errors = validationErrors(requestJSON(#""data": {"data_subjects": [1, 2]}"#))
        #expect(errors.map(\.path).prefix(2) == ["$.data.data_subjects[0]", "$.data.data_subjects[1]"])
        #expect(errors.map(\.code) == [.wrongType, .wrongType], "\(errors)")
    }
}

struct SpellingTests {
    @Test func suggestsTheClosestCandidateWithinATypoDistance() {
        let names = ["personal_data", "personal_data_scope", "data_subjects"]
        #expect(Spelling.nearest(to: "personal_dta", in: names) == "personal_data")
        #expect(Spelling.nearest(to: "Personal_Data_Scope", in: names) == "personal_data_scope", "ignores case")
        #expect(Spelling.nearest(to: "special", in: names) == nil)
        #expect(Spelling.nearest(to: "x", in: [String]()) == nil)
    }

    @Test func editDistance() {
        #expect(Spelling.distance("kitten", "sitting") == 3)
        #expect(Spelling.distance("", "abc") == 3)
        #expect(Spelling.distance("abc", "") == 3)
        #expect(Spelling.distance("same", "same") == 0)
    }
}

struct DayTests {
    @Test(arguments: [
        ("1970-01-01", Int32(0)), ("1970-01-02", 1), ("1969-12-31", -1), ("2000-03-01", 11_017), ("2026-11-27", 20_784),
    ])
    func countsDaysSinceTheEpoch(text: String, days: Int32) throws {
        let day = try #require(Day(iso: text))
        #expect(day.daysSinceEpoch == days)
        #expect(day.description == text)
        #expect(Day(daysSinceEpoch: days) == day)
    }

    @Test func ordersChronologically() throws {
        let a = try #require(Day(iso: "2026-12-01"))
        let b = try #require(Day(iso: "2026-12-02"))
        #expect(a < b)
        #expect(!(b < a))
        #expect(Day(year: 2026, month: 12, day: 2) == b)
    }

    @Test func roundTripsEveryDayOfALeapYear() throws {
        let start = try #require(Day(iso: "2024-01-01"))
        for offset in Int32(0)..<366 {
            let day = Day(daysSinceEpoch: start.daysSinceEpoch + offset)
            #expect(Day(iso: day.description) == day)
        }
        #expect(Day(daysSinceEpoch: start.daysSinceEpoch + 365).description == "2024-12-31")
    }
}
