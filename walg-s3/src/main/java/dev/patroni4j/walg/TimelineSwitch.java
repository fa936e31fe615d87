package dev.patroni4j.walg;

/**
 * One line of a timeline history file ({@code TTTTTTTT.history}): the timeline branched off
 * {@code parentTimeline} at {@code switchLsn}.
 */
public record TimelineSwitch(long parentTimeline, long switchLsn, String reason) {}
