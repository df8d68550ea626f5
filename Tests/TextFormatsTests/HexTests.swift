import Testing
import TextFormats

@Suite("Hex")
struct HexTests {
    @Test("Two lowercase digits per byte, the high nibble first")
    func string() {
        #expect(Hex.string([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.string([]) == "")
    }

    @Test("A UUID is 8-4-4-4-12 digits")
    func uuid() {
        let text = String(decoding: Hex.uuid(Array(0..<16)), as: UTF8.self)
        #expect(text == "00010203-0405-0607-0809-0a0b0c0d0e0f")
    }
}
