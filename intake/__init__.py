"""The intake (issue #12): the one place that receives records — clinic and employer uploads, JSON records, MHLW
archives, held records linked by staff, checkup corrections — stores them, judges them (checkups) and then has the
guidance programmes follow (an explicit `ProgrammeLink` argument, not a signal). No models of its own."""
