export const sentRecordLimits = { kept: 1_000 };
