#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace aviary {

// RFC 3339 in UTC as Kubernetes writes metav1.Time: "2026-11-25T09:23:31Z"; a time with
// milliseconds keeps them ("2026-11-25T09:23:31.250Z"), so formatting and parsing round-trip
// exactly.
std::string formatRfc3339(Timestamp time);

// metav1.MicroTime as the API server writes it in Leases and Events:
// "2026-11-25T09:23:31.123000Z" (always six fraction digits; this clock has milliseconds).
std::string formatMicroTime(Timestamp time);

// Reads "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)". Fractions are kept to the millisecond.
Result<Timestamp> parseRfc3339(std::string_view text);

}  // namespace aviary
