import Testing
import TextFormats

@Suite("UTCTime")
struct UTCTimeTests {
    @Test("RFC 3339 with milliseconds, zero-padded")
    func rfc3339() {
        #expect(UTCTime(secondsSince1970: 0, nanoseconds: 5_000_000).rfc3339Milliseconds == "1970-01-01T00:00:00.005Z")
        #expect(UTCTime(secondsSince1970: 1_795_313_658, nanoseconds: 330_999_999).rfc3339Milliseconds
                == "2026-11-22T02:14:18.330Z")
    }

    @Test("The HTTP Date form names the weekday and month")
    func imfFixdate() {
        #expect(UTCTime(secondsSince1970: 784_111_777).imfFixdate == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(UTCTime(secondsSince1970: 951_782_400).imfFixdate == "Tue, 29 Feb 2000 00:00:00 GMT")
    }
}
