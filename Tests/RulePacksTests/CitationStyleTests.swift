import Foundation
import Testing

@testable import RulePacks
@testable import RulesEngine

/// The Danish citation style, on each form the bundled packs use, and on every citation they hold.
struct CitationStyleTests {
    @Test(arguments: [
        ("AI Act Art. 6(2)", "AI-forordningens art. 6, stk. 2"),
        ("GDPR Art. 35", "databeskyttelsesforordningens art. 35"),
        ("GDPR Art. 35(3)(b)", "databeskyttelsesforordningens art. 35, stk. 3, litra b"),
        ("AI Act Art. 5(1)(c)(ii)", "AI-forordningens art. 5, stk. 1, litra c, nr. ii"),
        ("AI Act Art. 5(1)(ba)", "AI-forordningens art. 5, stk. 1, litra ba"),
        ("AI Act Art. 6(1a)-(1c)", "AI-forordningens art. 6, stk. 1a-1c"),
        ("AI Act Art. 50(4), second subparagraph", "AI-forordningens art. 50, stk. 4, 2. afsnit"),
        ("GDPR Art. 6(1), second subparagraph", "databeskyttelsesforordningens art. 6, stk. 1, 2. afsnit"),
        ("AI Act Annex III point 4(b)", "AI-forordningens bilag III, punkt 4, litra b"),
        ("AI Act Annex III point 1(a), 1(c)", "AI-forordningens bilag III, punkt 1, litra a og c"),
        ("AI Act Annex III point 1(a)-(c)", "AI-forordningens bilag III, punkt 1, litra a-c"),
        ("AI Act Annex III point 2", "AI-forordningens bilag III, punkt 2"),
        ("AI Act Annex I", "AI-forordningens bilag I"),
        ("AI Act Art. 6(2) and Annex III point 1(a)-(b)", "AI-forordningens art. 6, stk. 2 og bilag III, punkt 1, litra a-b"),
        ("AI Act recital 44", "AI-forordningens betragtning 44"),
        ("AI Act Art. 4 (as replaced by Regulation (EU) 2026/1744 Art. 1(5))",
         "AI-forordningens art. 4 (som affattet ved forordning (EU) 2026/1744 art. 1, nr. 5)"),
        // Definitions are numbered points, not paragraphs.
        ("AI Act Art. 3(12)", "AI-forordningens art. 3, nr. 12"),
        ("GDPR Art. 4(4)", "databeskyttelsesforordningens art. 4, nr. 4"),
        ("AI Act Art. 4", "AI-forordningens art. 4"),
        ("GDPR Art. 3(2)(a)", "databeskyttelsesforordningens art. 3, stk. 2, litra a"),
        ("WP248 rev.01, section III.B.a, criterion 7", "WP248 rev.01, afsnit III.B.a, kriterium 7"),
        ("Databeskyttelsesloven (LOV nr. 502 af 23/05/2018) § 11, stk. 1", "Databeskyttelsesloven (LOV nr. 502 af 23/05/2018) § 11, stk. 1"),
        ("AML § 15 a", "AML § 15 a"),
    ])
    func danishStyle(_ english: String, _ danish: String) {
        #expect(CitationStyle.danish(english) == danish)
    }

    /// No English legal word is left in any bundled citation once it is in Danish.
    @Test func everyBundledCitationIsDanish() throws {
        var citations = Set<String>()
        for pack in DecisiveEvidenceTests.packs {
            for rule in pack.rules { citations.formUnion(rule.citations) }
            for duty in pack.duties { citations.formUnion(duty.duty.citations) }
        }
        #expect(citations.count > 100)
        let english = ["Art.", "Annex", "point", "recital", "subparagraph", "AI Act", "GDPR ", "Guidelines", "Regulation", "amended",
                       "replaced", "section", "criterion", "criteria", " and ", " on ", " of ", "Commission", "Decision", "Court", "Directive",
                       "Recommendations", "Endorsement", "Code of", " Jun "]
        for citation in citations {
            let danish = CitationStyle.danish(citation)
            for word in english { #expect(!danish.contains(word), "\(citation) → \(danish)") }
        }
    }
}
