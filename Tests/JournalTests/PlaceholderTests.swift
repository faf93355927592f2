import Testing

@Test func journalPlaceholder() { #expect(Bool(true)) }
