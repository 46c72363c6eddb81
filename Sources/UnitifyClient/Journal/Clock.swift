import Glibc
import UnitifyCore

/// Turns `--since`/`--until` forms into microseconds since the epoch, in the local time zone.
public enum Clock {
    public static func resolve(_ point: TimePoint, now: UInt64 = Environment.now()) -> UInt64 {
        switch point {
        case .now:
            return now
        case .relative(let offset):
            return offset < 0 ? now - min(now, UInt64(-offset)) : now + UInt64(offset)
        case .midnight(let days):
            var seconds = time_t(now / 1_000_000)
            var parts = tm()
            localtime_r(&seconds, &parts)
            parts.tm_hour = 0
            parts.tm_min = 0
            parts.tm_sec = 0
            parts.tm_mday += Int32(days)
            parts.tm_isdst = -1
            return UInt64(max(mktime(&parts), 0)) * 1_000_000
        case .local(let year, let month, let day, let hour, let minute, let second):
            var parts = tm()
            parts.tm_year = Int32(year - 1900)
            parts.tm_mon = Int32(month - 1)
            parts.tm_mday = Int32(day)
            parts.tm_hour = Int32(hour)
            parts.tm_min = Int32(minute)
            parts.tm_sec = Int32(second)
            parts.tm_isdst = -1
            return UInt64(max(mktime(&parts), 0)) * 1_000_000
        }
    }
}
