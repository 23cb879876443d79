package contacts

import (
	"sync"
	"sync/atomic"

	"github.com/nyaruka/phonenumbers"
)

// phoneResult is what the scanner needs to know about one candidate number.
type phoneResult struct {
	ok    bool   // parsed and possible, with at least 7 national digits
	valid bool   // phonenumbers.IsValidNumber
	nsn   string // national significant number
	e164  string
}

// phoneCache remembers parse results: the same numbers recur across the listings of a network,
// and phonenumbers is the costly step of extraction. It stops growing at maxPhoneCache entries.
type phoneCache struct {
	m sync.Map // region + "|" + raw -> phoneResult
	n atomic.Int64
}

const maxPhoneCache = 1 << 16

// parse parses raw (digits, with "+" when international) in region ("ZZ" when international).
func (c *phoneCache) parse(raw, region string) phoneResult {
	key := region + "|" + raw
	if v, ok := c.m.Load(key); ok {
		return v.(phoneResult)
	}
	r := parsePhone(raw, region)
	if c.n.Load() < maxPhoneCache {
		if _, loaded := c.m.LoadOrStore(key, r); !loaded {
			c.n.Add(1)
		}
	}
	return r
}

func parsePhone(raw, region string) phoneResult {
	num, err := phonenumbers.Parse(raw, region)
	if err != nil {
		return phoneResult{}
	}
	if phonenumbers.IsPossibleNumberWithReason(num) != phonenumbers.IS_POSSIBLE {
		return phoneResult{}
	}
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	if len(nsn) < 7 {
		return phoneResult{}
	}
	return phoneResult{
		ok:    true,
		valid: phonenumbers.IsValidNumber(num),
		nsn:   nsn,
		e164:  phonenumbers.Format(num, phonenumbers.E164),
	}
}
