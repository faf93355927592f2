import Testing

@Test func brokerPlaceholder() { #expect(Bool(true)) }
