import Threads

/// RFC 3339 timestamps (`2024-01-15T10:30:00Z`, `2024-01-15T12:30:00.123+02:00`) turned into the microseconds
/// since 2000-01-01 UTC that PostgreSQL's binary timestamptz carries. Fractions beyond microseconds are cut.
enum Timestamp {
    static func parse<Bytes: RandomAccessCollection<UInt8>>(_ text: Bytes) -> Int64? where Bytes.Index == Int {
        var index = text.startIndex
        let end = text.endIndex

        func digits(_ count: Int) -> Int? {
            guard end - index >= count else { return nil }
            var value = 0
            for _ in 0..<count {
                let byte = text[index]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
                index += 1
            }
            return value
        }
        func expect(_ accepted: String) -> Bool {
            guard index < end, accepted.utf8.contains(text[index]) else { return false }
            index += 1
            return true
        }

        guard let year = digits(4), year >= 1, expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              expect("Tt"), let hour = digits(2), expect(":"), let minute = digits(2), expect(":"),
              let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 59 || (second == 60 && minute == 59)
        else { return nil }

        var micros = 0
        if index < end && text[index] == UInt8(ascii: ".") {
            index += 1
            var count = 0
            while index < end, text[index] >= 0x30 && text[index] <= 0x39 {
                if count < 6 { micros = micros * 10 + Int(text[index] - 0x30) }
                count += 1
                index += 1
            }
            guard count >= 1 && count <= 9 else { return nil }
            if count < 6 {
                for _ in count..<6 { micros *= 10 }
            }
        }

        var offsetSeconds = 0
        if expect("Zz") {
            offsetSeconds = 0
        } else if index < end && (text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-")) {
            let sign = text[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = digits(2), expect(":"), let offsetMinutes = digits(2),
                  offsetHours <= 23, offsetMinutes <= 59
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard index == end else { return nil }

        let days = daysSince2000(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        // An offset may carry a time at the edge of the range into year 0 or 10000 in UTC.
        guard seconds >= Self.firstSecond && seconds < Self.endSecond else { return nil }
        return Int64(seconds) * 1_000_000 + Int64(micros)
    }

    /// 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z, in seconds since 2000-01-01 UTC.
    static let firstSecond = daysSince2000(year: 1, month: 1, day: 1) * 86_400
    static let endSecond = daysSince2000(year: 10000, month: 1, day: 1) * 86_400

    static func nowMicrosecondsSince2000() -> Int64 {
        let now = WallClock.now
        return Int64(now.seconds) * 1_000_000 + Int64(now.nanoseconds / 1000) - unixEpochMicrosecondsSince2000
    }

    /// Nanoseconds since 1970 (OTLP's times) as microseconds since 2000 (PostgreSQL's).
    static func microsecondsSince2000(unixNanoseconds nanos: UInt64) -> Int64 {
        Int64(nanos / 1000) - unixEpochMicrosecondsSince2000
    }

    /// 1970-01-01 to 2000-01-01.
    static let unixEpochMicrosecondsSince2000: Int64 = 946_684_800_000_000

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 2000-01-01 to the given civil date (Howard Hinnant's days_from_civil, shifted).
    static func daysSince2000(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468 - 10_957
    }
}
