package schemas

import "time"

// Dates and times are limited to years 0001 through 9999, the years that the
// JSON forms ("YYYY-MM-DD", RFC 3339) can write.
const (
	minDay  = -719162              // 0001-01-01, in days since 1970-01-01
	maxDay  = 2932896              // 9999-12-31
	minTime = minDay * 86400       // 0001-01-01T00:00:00Z, in seconds since the epoch
	maxTime = maxDay*86400 + 86399 // 9999-12-31T23:59:59Z
)

// daysFromCivil returns the number of days from 1970-01-01 to the
// proleptic Gregorian date y-m-d (H. Hinnant's algorithm). The date must be
// valid.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := m + 9
	if m > 2 {
		mp = m - 3
	}
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// validDate reports whether y-m-d is a calendar date in years 1..9999.
func validDate(y, m, d int64) bool {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= daysIn(y, m)
}

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// digits parses s, which must be all ASCII digits, as a decimal number.
func digits(s string) (int64, bool) {
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, len(s) > 0
}

// parseDate parses "YYYY-MM-DD" exactly (no other layout, no time, no
// offset) into days since 1970-01-01.
func parseDate(s string) (int64, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || !validDate(y, m, d) {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}

// appendDate appends the date days (since 1970-01-01, within minDay..maxDay)
// as "YYYY-MM-DD".
func appendDate(b []byte, days int64) []byte {
	y, m, d := civilFromDays(days)
	return append(b,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-',
		byte('0'+d/10), byte('0'+d%10))
}

// formatDate returns days as "YYYY-MM-DD".
func formatDate(days int64) string {
	var buf [10]byte
	return string(appendDate(buf[:0], days))
}

// parseTime parses an RFC 3339 timestamp with whole seconds into seconds
// since the Unix epoch. ok is false for any other text; frac is true when
// the timestamp has a fractional second, which the wire form cannot carry.
func parseTime(s string) (secs int64, frac, ok bool) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, false, false
	}
	if t.Nanosecond() != 0 {
		return 0, true, false
	}
	return t.Unix(), false, true
}

// formatTime returns secs (within minTime..maxTime) as an RFC 3339 UTC
// timestamp, "2006-01-02T15:04:05Z".
func formatTime(secs int64) string {
	days := secs / 86400
	rem := secs % 86400
	if rem < 0 {
		rem += 86400
		days--
	}
	var buf [20]byte
	b := appendDate(buf[:0], days)
	h, mi, se := rem/3600, rem/60%60, rem%60
	b = append(b, 'T',
		byte('0'+h/10), byte('0'+h%10), ':',
		byte('0'+mi/10), byte('0'+mi%10), ':',
		byte('0'+se/10), byte('0'+se%10), 'Z')
	return string(b)
}
