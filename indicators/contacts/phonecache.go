package contacts

import (
	"strconv"
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
// When *budget is zero a number not in the cache is not parsed (ok false); a parse spends one.
func (c *phoneCache) parse(raw, region string, budget *int) phoneResult {
	key := region + "|" + raw
	if v, ok := c.m.Load(key); ok {
		return v.(phoneResult)
	}
	if *budget <= 0 {
		return phoneResult{}
	}
	*budget--
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

// regionLens caches, per region, the digit counts a number written in that region may have: its
// national lengths, with the trunk prefix, and with the country code written without "+".
var regionLens sync.Map // region -> uint32 bit mask of lengths

// lengthPlausible reports whether n digits may be a number written in region; it saves parsing
// (the costly step) runs of digits that cannot be one.
func lengthPlausible(region string, n int) bool {
	if n < 0 || n > 31 {
		return false
	}
	if v, ok := regionLens.Load(region); ok {
		return v.(uint32)&(1<<uint(n)) != 0
	}
	var mask uint32
	md := regionMetadata(region)
	if md == nil || md.GetNationalPrefixForParsing() != "" && md.GetNationalPrefixTransformRule() != "" {
		mask = ^uint32(0) // unknown, or national prefixes rewritten in parsing: no filter
	} else {
		cc := len(strconv.Itoa(int(md.GetCountryCode())))
		np := len(md.GetNationalPrefix())
		lens := md.GetGeneralDesc().GetPossibleLength()
		for _, l := range lens {
			for _, extra := range []int{0, np, cc, 1, 2} {
				if l+int32(extra) < 32 && l > 0 {
					mask |= 1 << uint(l+int32(extra))
				}
			}
		}
		if len(lens) == 0 {
			mask = ^uint32(0)
		}
	}
	regionLens.Store(region, mask)
	return mask&(1<<uint(n)) != 0
}

var (
	metaOnce sync.Once
	metaByID map[string]*phonenumbers.PhoneMetadata
)

// regionMetadata returns libphonenumber's metadata of a region, or nil.
func regionMetadata(region string) *phonenumbers.PhoneMetadata {
	metaOnce.Do(func() {
		metaByID = map[string]*phonenumbers.PhoneMetadata{}
		if coll, err := phonenumbers.MetadataCollection(); err == nil {
			for _, md := range coll.GetMetadata() {
				metaByID[md.GetId()] = md
			}
		}
	})
	return metaByID[region]
}
