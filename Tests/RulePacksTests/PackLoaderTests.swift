import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

struct PackLoaderTests {
    static let minimalPack = packHeader + "rules:\n" + ruleYAML("R1", when: "data.personal_data")

    /// `root/rules/<name>/pack.yaml` for each name, plus the real schema under `root/config/schema/`.
    static func layOut(_ root: URL, packs: [String: String]) throws {
        try root.installRequestSchema()
        for (name, text) in packs { try root.write("rules/\(name)/pack.yaml", text) }
    }

    // MARK: - Discovery

    @Test func discoversEveryPackInAFolderOfPacksSorted() throws {
        try withTemporaryDirectory { root in
            try Self.layOut(
                root,
                packs: ["workplace": Self.minimalPack, "ai-act": Self.minimalPack, "gdpr": Self.minimalPack]
            )
            try root.write("rules/README.md", "not a pack")
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("rules/empty"),
                withIntermediateDirectories: true
            )
            let rules = root.appendingPathComponent("rules").path
            let (packs, missing) = PackLoader.discover([rules])
            #expect(packs == ["ai-act", "gdpr", "workplace"].map { rules + "/" + $0 })
            #expect(missing.isEmpty)
            #expect(PackLoader.discover([rules + "/"]).packs == packs, "a trailing slash makes no double slash")
        }
    }

    @Test func discoversAPackFolderAndAPackFile() throws {
        try withTemporaryDirectory { root in
            try Self.layOut(root, packs: ["gdpr": Self.minimalPack])
            let folder = root.appendingPathComponent("rules/gdpr").path
            #expect(PackLoader.discover([folder]) == ([folder], []))
            #expect(PackLoader.discover([folder + "/pack.yaml"]) == ([folder], []))
            #expect(
                PackLoader.discover([folder, folder + "/pack.yaml", root.appendingPathComponent("rules").path]).packs
                    == [folder],
                "each pack once"
            )
        }
    }

    @Test func reportsPathsWithoutPacks() throws {
        try withTemporaryDirectory { root in
            try Self.layOut(root, packs: ["gdpr": Self.minimalPack])
            let nowhere = root.appendingPathComponent("nowhere").path
            let notAPack = try root.write("rules/gdpr/tests/cases.yaml", "cases: []\n").path
            let noPacks = root.appendingPathComponent("config").path
            let (packs, missing) = PackLoader.discover([nowhere, notAPack, noPacks])
            #expect(packs.isEmpty)
            #expect(missing == [nowhere, notAPack, noPacks])
        }
    }

    // MARK: - Loading

    @Test func loadsAPackWithTheDefaultSchemaFromAParentFolder() throws {
        try withTemporaryDirectory { root in
            try Self.layOut(root, packs: ["p": Self.minimalPack])
            let directory = root.appendingPathComponent("rules/p").path
            let loaded = PackLoader().load(directory: directory)
            #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
            let pack = try #require(loaded.pack)
            #expect(pack.id == "test")
            #expect(pack.ruleIDs == ["R1"])
            #expect(loaded.directory == directory)
            #expect(pack.digest.hasPrefix("sha256:"))
            #expect(pack.digest.count == "sha256:".count + 64)
            #expect(pack.digest.dropFirst(7).allSatisfy { "0123456789abcdef".contains($0) })
        }
    }

    @Test func aPackMayNameItsOwnSchema() throws {
        try withTemporaryDirectory { root in
            try root.write(
                "p/schema.json",
                #"{"type": "object", "additionalProperties": false, "required": ["flag"], "properties": {"flag": {"type": "boolean"}}}"#
            )
            try root.write("p/pack.yaml", packHeader + "schema: schema.json\nrules:\n" + ruleYAML("R1", when: "flag"))
            let loaded = PackLoader().load(directory: root.appendingPathComponent("p").path)
            let pack = try #require(loaded.pack, "\(loaded.diagnostics)")
            #expect(try evaluate(pack, #"{"flag": true}"#).verdict == .rejected)
            #expect(try evaluate(pack, #"{"flag": false}"#).verdict == .approved)
        }
    }

    @Test func packsOfOneLoaderShareTheirSchema() throws {
        try withTemporaryDirectory { root in
            try Self.layOut(
                root,
                packs: [
                    "a": Self.minimalPack,
                    "b": Self.minimalPack.replacingOccurrences(of: "pack: test", with: "pack: other"),
                ]
            )
            let loader = PackLoader()
            let a = try #require(loader.load(directory: root.appendingPathComponent("rules/a").path).pack)
            let b = try #require(loader.load(directory: root.appendingPathComponent("rules/b").path).pack)
            #expect(a.schema === b.schema, "one decoded request serves both packs")
            let screening = try Screener(packs: [a, b]).screen(json: requestJSON(#""data": {"personal_data": true}"#))
            #expect(screening.packs.allSatisfy { $0.errors.isEmpty })
            #expect(screening.verdict == .rejected)
        }
    }

    @Test func warningsDoNotStopAPack() throws {
        try withTemporaryDirectory { root in
            try Self.layOut(
                root,
                packs: ["p": packHeader + "definitions:\n  spare: true\nrules:\n" + ruleYAML("R1", when: "true")]
            )
            let loaded = PackLoader().load(directory: root.appendingPathComponent("rules/p").path)
            #expect(loaded.pack != nil)
            #expect(loaded.errors.isEmpty)
            #expect(loaded.warnings.map(\.code) == [.unusedDefinition])
            #expect(loaded.warnings.first?.location.file.hasSuffix("rules/p/pack.yaml") == true)
        }
    }

    @Test func aPackWithErrorsIsNotLoadedAndReportsThemInFileOrder() throws {
        try withTemporaryDirectory { root in
            try Self.layOut(root, packs: ["p": Self.oneBadPack])
            let loaded = PackLoader().load(directory: root.appendingPathComponent("rules/p").path)
            #expect(loaded.pack == nil)
            #expect(loaded.diagnostics.summary == ["5:1 unknown-key error", "10:7 unknown-field error"])
        }
    }

    static let oneBadPack = packHeader + "colour: blue\nrules:\n" + ruleYAML("R1", when: "data.personal_dta")

    @Test func aMissingPackFileIsAnError() throws {
        try withTemporaryDirectory { root in
            let loaded = PackLoader().load(directory: root.path)
            #expect(loaded.pack == nil)
            #expect(loaded.diagnostics.map(\.code) == [.missingField])
            #expect(loaded.diagnostics.first?.location.file == root.path + "/pack.yaml")
            #expect(loaded.diagnostics.first?.message == "cannot read pack.yaml (missing or not UTF-8 text)")
        }
    }

    /// `aiscreen pack check pack.yaml` inside a pack folder: discovery turns the bare file name into the directory
    /// "", which must mean the working directory — not the file-system root.
    @Test func anEmptyDirectoryMeansTheWorkingDirectory() {
        let loaded = PackLoader().load(directory: "")
        #expect(loaded.pack == nil)
        #expect(loaded.diagnostics.first?.location.file == "pack.yaml")
    }

    // MARK: - Digest

    @Test func theDigestIsStableAndFollowsThePackTextTheSchemaAndTheOverrides() throws {
        try withTemporaryDirectory { root in
            try Self.layOut(
                root,
                packs: [
                    "p": packHeader + "parameters:\n  n: {type: int, default: 1, description: d}\nrules:\n"
                        + ruleYAML("R1", when: "tool.users_count > params.n")
                ]
            )
            let directory = root.appendingPathComponent("rules/p").path
            func digest(_ loader: PackLoader = PackLoader()) throws -> String {
                let loaded = loader.load(directory: directory)
                return try #require(loaded.pack, "\(loaded.diagnostics)").digest
            }
            let original = try digest()
            #expect(try digest() == original, "the same files give the same digest")
            #expect(
                try digest(
                    PackLoader(overrides: [
                        "other-pack": ["n": Located(.int(2), at: SourceLocation(file: "c", line: 1, column: 1))]
                    ])
                ) == original
            )

            let at = SourceLocation(file: "c", line: 1, column: 1)
            let two = try digest(PackLoader(overrides: ["test": ["n": Located(.int(2), at: at)]]))
            let three = try digest(PackLoader(overrides: ["test": ["n": Located(.int(3), at: at)]]))
            #expect(two != original)
            #expect(three != two)
            #expect(
                try digest(
                    PackLoader(overrides: [
                        "test": ["n": Located(.int(2), at: SourceLocation(file: "d", line: 9, column: 9))]
                    ])
                ) == two,
                "where an override was written does not matter"
            )

            let text = try String(contentsOfFile: directory + "/pack.yaml", encoding: .utf8)
            try root.write("rules/p/pack.yaml", text + "# a comment changes the file\n")
            let edited = try digest()
            #expect(edited != original)
            try root.write("rules/p/pack.yaml", text)
            #expect(try digest() == original)

            let schema = try Repository.text(Repository.requestSchemaPath)
            try root.write(Repository.requestSchemaPath, schema + "\n")
            #expect(try digest() != original, "the schema decides behaviour too")
        }
    }

    @Test func digestsDependOnlyOnContent() {
        let pack = Data("pack".utf8)
        let schema = Data("schema".utf8)
        let a = PackLoader.digest(packText: pack, schemaText: schema, overrides: [:])
        #expect(a == PackLoader.digest(packText: pack, schemaText: schema, overrides: [:]))
        #expect(
            a != PackLoader.digest(packText: Data("packs".utf8), schemaText: Data("chema".utf8), overrides: [:]),
            "the parts are separated"
        )
        let at = SourceLocation(file: "c", line: 1, column: 1)
        let ab = PackLoader.digest(
            packText: pack,
            schemaText: schema,
            overrides: ["a": Located(.int(1), at: at), "b": Located(.int(2), at: at)]
        )
        let ba = PackLoader.digest(
            packText: pack,
            schemaText: schema,
            overrides: ["b": Located(.int(2), at: at), "a": Located(.int(1), at: at)]
        )
        #expect(ab == ba)
        #expect(ab != a)
    }

    // MARK: - Deployment overrides

    @Test func overridesAreReadFromTheConfigFile() {
        let yaml = """
            broker:
              endpoint: tcp://127.0.0.1:5555
            packs:
              workplace:
                parameters:
                  control_notice_min_weeks: 8
                  sites: [aarhus, skejby]
              gdpr:
                parameters: {strict: true}

            """
        let (overrides, diagnostics) = PackOverrides.parse(yaml: yaml, file: "config/aiscreen.yaml")
        #expect(diagnostics.isEmpty)
        #expect(Set(overrides.keys) == ["workplace", "gdpr"])
        #expect(overrides["workplace"]?["control_notice_min_weeks"]?.value == .int(8))
        #expect(
            overrides["workplace"]?["control_notice_min_weeks"]?.location
                == SourceLocation(file: "config/aiscreen.yaml", line: 6, column: 33)
        )
        #expect(overrides["workplace"]?["sites"]?.value == .array([.string("aarhus"), .string("skejby")]))
        #expect(overrides["gdpr"]?["strict"]?.value == .bool(true))
    }

    @Test func aBrokenConfigFileIsReported() throws {
        let (_, unknown) = PackOverrides.parse(yaml: "packs:\n  workplace:\n    paramters: {a: 1}\n", file: "c.yaml")
        #expect(unknown.summary == ["3:5 unknown-key error"])
        #expect(unknown.first?.message == "unknown key 'paramters' in packs.workplace — did you mean 'parameters'?")

        let (_, shape) = PackOverrides.parse(yaml: "packs: [workplace]\n", file: "c.yaml")
        #expect(shape.summary == ["1:8 wrong-shape error"])

        let (_, syntax) = PackOverrides.parse(yaml: "packs: {\n", file: "c.yaml")
        #expect(syntax.map(\.code) == [.yamlSyntax])

        let (_, missing) = PackOverrides.load(path: "/nonexistent/aiscreen-\(UUID().uuidString).yaml")
        #expect(missing.map(\.code) == [.missingField])
    }

    @Test func overridesFromAConfigFileReachTheirPack() throws {
        try withTemporaryDirectory { root in
            try Self.layOut(
                root,
                packs: [
                    "p": packHeader + "parameters:\n  n: {type: int, default: 1, description: d}\nrules:\n"
                        + ruleYAML("R1", when: "tool.users_count > params.n")
                ]
            )
            let config = try root.write("config/aiscreen.yaml", "packs:\n  test:\n    parameters:\n      n: 10\n")
            let (overrides, diagnostics) = PackOverrides.load(path: config.path)
            #expect(diagnostics.isEmpty)
            let pack = try #require(
                PackLoader(overrides: overrides).load(directory: root.appendingPathComponent("rules/p").path).pack
            )
            #expect(pack.parameter("n") == .int(10))
            #expect(try evaluate(pack, requestJSON(#""tool": {"users_count": 5}"#)).verdict == .approved)

            try root.write("config/aiscreen.yaml", "packs:\n  test:\n    parameters:\n      m: 10\n")
            let (bad, _) = PackOverrides.load(path: config.path)
            let loaded = PackLoader(overrides: bad).load(directory: root.appendingPathComponent("rules/p").path)
            #expect(loaded.pack == nil, "an override with an unknown name stops the pack")
            #expect(loaded.errors.map(\.code) == [.unknownParameter])
            #expect(loaded.errors.first?.location == SourceLocation(file: config.path, line: 4, column: 10))
        }
    }
}
