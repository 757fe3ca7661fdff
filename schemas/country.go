package schemas

import "strings"

// countryAlpha3 lists the 249 officially assigned ISO 3166-1 alpha-3 codes
// (as in credential.md §5, taken from Debian's iso-codes 4.15.0), sorted,
// each followed by a space. User-assigned codes (AAA-AAZ, QMA-QZZ,
// XAA-XZZ, ZZA-ZZZ, so also ICAO's XXA, XXB, XXC and XXX), reserved codes
// and deleted ones (such as ANT) are not in it.
const countryAlpha3 = "" +
	"ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN " +
	"BES BFA BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN " +
	"CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU " +
	"DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR " +
	"GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV " +
	"HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM " +
	"KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA " +
	"MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM " +
	"NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL " +
	"PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE " +
	"SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK " +
	"TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB " +
	"VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE "

// isCountryAlpha3 reports whether s is an officially assigned ISO 3166-1
// alpha-3 code, in upper case.
func isCountryAlpha3(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	// Binary search over the codes, which sit at multiples of 4.
	lo, hi := 0, len(countryAlpha3)/4
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		c := countryAlpha3[4*m : 4*m+3]
		switch {
		case c == s:
			return true
		case c < s:
			lo = m + 1
		default:
			hi = m
		}
	}
	return false
}

// CountryAlpha3Codes returns the codes FormatCountryAlpha3 accepts, sorted.
func CountryAlpha3Codes() []string { return strings.Fields(countryAlpha3) }
