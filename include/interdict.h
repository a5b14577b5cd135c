/*
 * interdict.h - the public API of libinterdict, the library behind the `interdict` program.
 *
 *   interdict/status.h   status codes, located errors
 *   interdict/text.h     normalisation with offset maps
 *   interdict/kb.h       the substance knowledge base
 *   interdict/signals.h  trafficking signals and checksum validators
 *   interdict/scan.h     the scanner and its verdicts
 *   interdict/ingest.h   readers for the formats investigators receive
 *
 * Programs include only this header.
 */
#ifndef INTERDICT_H
#define INTERDICT_H

#include "interdict/status.h"
#include "interdict/text.h"
#include "interdict/kb.h"
#include "interdict/signals.h"
#include "interdict/scan.h"
#include "interdict/ingest.h"

#endif
