package dev.patroni4j.walg;

import dev.patroni4j.client.model.Lsn;

/**
 * One line of a timeline history file ({@code TTTTTTTT.history}): the timeline branched off
 * {@code parentTimeline} at {@code switchLsn}.
 */
public record TimelineSwitch(long parentTimeline, Lsn switchLsn, String reason) {}
