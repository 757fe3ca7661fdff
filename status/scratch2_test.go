package status

import "strconv"

func strconvFormat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
