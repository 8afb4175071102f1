/** The rehearsal's chart: four stacked panels on one time axis (drawn by charts/svg-chart.ts). */
import { renderSvgChart, type Panel } from '../charts/svg-chart.js';

export interface Bucket {
  /** Seconds since the open (negative: before). */
  t: number;
  arrivals: number;
  queue: number;
  holds: number;
  admissions: number;
  sales: number;
  p50: number | null;
  p99: number | null;
  orderP99: number | null;
}

export function renderChart(buckets: Bucket[], bucketSec: number, title: string): string {
  const panels: Panel[] = [
    { title: 'Arrivals (joins per bucket)', unit: 'joins', series: [{ name: 'arrivals', color: '#4e79a7', values: buckets.map((b) => b.arrivals), bars: true }] },
    { title: 'Waiting room', unit: 'tickets', series: [
      { name: 'queue length', color: '#f28e2b', values: buckets.map((b) => b.queue) },
      { name: 'active holds', color: '#59a14f', values: buckets.map((b) => b.holds) },
    ] },
    { title: 'Admissions and sales (per bucket)', unit: 'per bucket', series: [
      { name: 'admissions', color: '#76b7b2', values: buckets.map((b) => b.admissions), bars: true },
      { name: 'orders accepted', color: '#e15759', values: buckets.map((b) => b.sales) },
    ] },
    { title: 'Latency (join + poll p50/p99, order p99)', unit: 'ms', series: [
      { name: 'join/poll p50', color: '#9c755f', values: buckets.map((b) => b.p50) },
      { name: 'join/poll p99', color: '#b07aa1', values: buckets.map((b) => b.p99) },
      { name: 'order p99', color: '#e15759', values: buckets.map((b) => b.orderP99) },
    ] },
  ];
  return renderSvgChart({
    title,
    note: `time since the open (dashed line); bucket ${bucketSec} s`,
    t: buckets.map((b) => b.t),
    bucketSec,
    panels,
    marker: 0,
  });
}
