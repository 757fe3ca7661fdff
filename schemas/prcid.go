package schemas

// PRC resident identity numbers (GB 11643-1999, "citizen identity number").
//
// An identity number has 18 characters:
//
//	positions 1-6    address code; positions 1-2 are the province (GB/T 2260)
//	positions 7-14   birth date, YYYYMMDD
//	positions 15-17  sequence code; position 17 is odd for men, even for women
//	position 18      check character, ISO 7064 MOD 11-2 over positions 1-17
//
// This package also accepts the numbers that share that layout and check
// character: the residence permits for residents of Hong Kong (81), Macao
// (82) and Taiwan (83), and the 2023 Foreign Permanent Resident ID Card,
// whose first digit is 9 followed by the province code of the issuing
// authority.

// prcWeights are the ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 for
// positions 1 to 17.
var prcWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// prcCheckChars maps the weighted sum mod 11 to the check character.
const prcCheckChars = "10X98765432"

// Birth dates in an identity number must fall in this range.
const (
	prcMinBirthYear = 1900
	prcMaxBirthYear = 2100
)

// validProvince reports whether code is a province-level code that begins a
// resident identity number.
func validProvince(code int) bool {
	switch {
	case code >= 11 && code <= 15, // Beijing, Tianjin, Hebei, Shanxi, Inner Mongolia
		code >= 21 && code <= 23,           // Liaoning, Jilin, Heilongjiang
		code >= 31 && code <= 37,           // Shanghai ... Shandong
		code >= 41 && code <= 46,           // Henan ... Hainan
		code >= 50 && code <= 54,           // Chongqing, Sichuan, Guizhou, Yunnan, Tibet
		code >= 61 && code <= 65,           // Shaanxi, Gansu, Qinghai, Ningxia, Xinjiang
		code == 71,                         // Taiwan (GB/T 2260)
		code == 81, code == 82, code == 83: // HK, Macao, Taiwan residence permits
		return true
	}
	return false
}

// prcCheckChar returns the check character for the 17 digits id[:17],
// which must be ASCII digits.
func prcCheckChar(id string) byte {
	sum := 0
	for i, w := range prcWeights {
		sum += int(id[i]-'0') * w
	}
	return prcCheckChars[sum%11]
}

// checkPRCID validates an identity number in its canonical form (the check
// character X in upper case). It returns the birth date as days since
// 1970-01-01, or the name of the failed check and the problem.
func checkPRCID(id string) (birth int64, rule string, err error) {
	if len(id) != 18 {
		return 0, CheckFormat, errorf(ErrInvalidClaim, "has %d bytes, want 18 characters", len(id))
	}
	for i := 0; i < 17; i++ {
		if c := id[i]; c < '0' || c > '9' {
			return 0, CheckFormat, errorf(ErrInvalidClaim, "character %d is not a digit", i+1)
		}
	}
	if c := id[17]; (c < '0' || c > '9') && c != 'X' {
		if c == 'x' {
			return 0, CheckFormat, errorf(ErrInvalidClaim, "check character is a lower-case x, want X")
		}
		return 0, CheckFormat, errorf(ErrInvalidClaim, "check character is not a digit or X")
	}
	p := int(id[0]-'0')*10 + int(id[1]-'0')
	if id[0] == '9' {
		p = int(id[1]-'0')*10 + int(id[2]-'0') // foreign permanent resident: 9, then the province
	}
	if !validProvince(p) || (id[0] == '9' && p > 65) {
		return 0, CheckRegion, errorf(ErrInvalidClaim, "region code %q is not a PRC province code", id[0:6])
	}
	y, _ := digits(id[6:10])
	m, _ := digits(id[10:12])
	d, _ := digits(id[12:14])
	if !validDate(y, m, d) {
		return 0, CheckBirthDate, errorf(ErrInvalidClaim, "birth date %q is not a calendar date", id[6:14])
	}
	if y < prcMinBirthYear || y > prcMaxBirthYear {
		return 0, CheckBirthDate, errorf(ErrInvalidClaim, "birth date %s is not between %d and %d", id[6:14], prcMinBirthYear, prcMaxBirthYear)
	}
	if want := prcCheckChar(id); id[17] != want {
		return 0, CheckChecksum, errorf(ErrInvalidClaim, "check character is %q, want %q", id[17:], string(want))
	}
	return daysFromCivil(y, m, d), "", nil
}

// prcBirth returns the birth date of a valid identity number, as days since
// 1970-01-01.
func prcBirth(id string) int64 {
	y, _ := digits(id[6:10])
	m, _ := digits(id[10:12])
	d, _ := digits(id[12:14])
	return daysFromCivil(y, m, d)
}

// prcSex returns "M" when the 17th digit of a valid identity number is odd
// and "F" when it is even.
func prcSex(id string) string {
	if (id[16]-'0')%2 == 1 {
		return "M"
	}
	return "F"
}
