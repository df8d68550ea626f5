import Testing
import TextFormats

@Suite("Base64")
struct Base64Tests {
    func encoded(_ text: String) -> String {
        var out: [UInt8] = []
        Base64.append(Array(text.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("RFC 4648's test vectors: four characters per three bytes, the last group padded", arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func vectors(text: String, expected: String) {
        #expect(encoded(text) == expected)
    }

    @Test("Every six-bit value has its own character, the last two being + and /")
    func highBits() {
        var out: [UInt8] = []
        Base64.append([0xfb, 0xff, 0xbf], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "+/+/")
    }
}
