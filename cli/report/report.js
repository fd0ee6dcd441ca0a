// Draws the charts of a pochta report from their JSON specs (the format is
// in cli/html_report.h), and keeps the time charts on one time range that the
// range inputs, or a drag across a chart, set.
(function () {
  'use strict';
  const specs = JSON.parse(document.getElementById('pochta-charts').textContent);
  const zone = document.body.dataset.timeZone;
  const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
                   '#bcbd22', '#17becf'];
  const day = new Intl.DateTimeFormat('en-GB', {timeZone: zone, day: 'numeric', month: 'short'});
  const hour = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit',
    minute: '2-digit'});
  const hourOfDay = new Intl.DateTimeFormat('en-GB', {timeZone: zone, day: 'numeric', month: 'short',
                                                      hour: '2-digit', minute: '2-digit'});
  const number = new Intl.NumberFormat('en-GB', {maximumFractionDigits: 2});

  function translucent(color) { return color + '33'; }

  function points(series, kind) {
    if (series.points) return series.points.map(([x, y]) => ({x, y}));
    if (kind === 'time') return series.values.map((y, i) => ({x: series.start + i * series.step, y}));
    return series.values;
  }

  function datasets(spec) {
    const out = [];
    spec.series.forEach((s, n) => {
      const color = s.color || palette[n % palette.length];
      const line = (s.type || spec.type) === 'line';
      const common = {label: s.label, hidden: !!s.hidden, yAxisID: s.axis === 'y2' ? 'y2' : 'y'};
      if (s.type) common.type = s.type;
      if (s.lower && s.upper) {
        // The band first, so that the line is drawn over it.
        out.push({...common, label: s.label + ' (95% CI, lower)', data: points({...s, values: s.lower}, spec.x.kind),
                  borderWidth: 0, pointRadius: 0, fill: false, band: true});
        out.push({...common, label: s.label + ' (95% CI, upper)', data: points({...s, values: s.upper}, spec.x.kind),
                  borderWidth: 0, pointRadius: 0, fill: '-1', backgroundColor: translucent(color), band: true});
      }
      const many = spec.x.kind !== 'category';
      out.push({...common, data: points(s, spec.x.kind), borderColor: color,
                backgroundColor: line ? color : color + 'b0', borderWidth: line ? 1.5 : 1,
                borderDash: s.dashed ? [6, 4] : [], pointRadius: line && !many ? 3 : 0, fill: false});
    });
    return out;
  }

  // Ticks on whole hours or days from `origin` (the spec's x.origin, else
  // the run's first local midnight), about a dozen over the range shown.
  function timeTicks(scale, origin) {
    const span = scale.max - scale.min;
    const step = [3600, 3 * 3600, 6 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400]
        .find((s) => span / s <= 12) || 56 * 86400;
    scale.ticks = [];
    for (let t = origin + Math.ceil((scale.min - origin) / step) * step; t <= scale.max; t += step) {
      scale.ticks.push({value: t});
    }
    scale.pochtaStep = step;
  }

  function axis(kind, label, extra, origin) {
    const a = {title: {display: !!label, text: label}, ...extra};
    if (kind === 'time') {
      a.type = 'linear';
      a.afterBuildTicks = (scale) => timeTicks(scale, origin);
      a.ticks = {callback: function (v) { return (this.pochtaStep < 86400 ? hourOfDay : day).format(new Date(v * 1000)); }};
    } else if (kind === 'number') {
      a.type = 'linear';
    }
    return a;
  }

  const timeCharts = [];
  let first = Infinity, last = -Infinity;
  specs.forEach((spec, n) => {
    const canvas = document.querySelector('canvas[data-chart="' + n + '"]');
    const scales = {
      x: axis(
          spec.x.kind, spec.x.label + (spec.x.kind === 'time' ? ' (' + zone + ')' : ''), {},
          spec.x.origin ?? Math.min(...spec.series.map((s) => s.start))),
      y: axis('number', spec.y.label, {min: spec.y.min, max: spec.y.max, stacked: !!spec.y.stacked, beginAtZero: true}),
    };
    if (spec.y2) {
      scales.y2 = axis('number', spec.y2.label, {position: 'right', min: spec.y2.min, max: spec.y2.max,
                                                 beginAtZero: true, grid: {drawOnChartArea: false}});
    }
    const config = {
      type: spec.type,
      data: {datasets: datasets(spec)},
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: spec.x.kind === 'category' ? undefined : false,
        normalized: true,
        interaction: {mode: 'nearest', axis: 'x', intersect: false},
        scales,
        plugins: {
          title: {display: true, text: spec.title},
          decimation: {enabled: spec.x.kind === 'time', algorithm: 'min-max'},
          legend: {labels: {filter: (item, data) => !data.datasets[item.datasetIndex].band}},
          tooltip: {callbacks: {}},
        },
      },
    };
    if (spec.x.kind === 'category') config.data.labels = spec.x.categories;
    if (spec.x.kind === 'time') {
      config.options.plugins.tooltip.callbacks.title = (items) =>
          items.length ? hour.format(new Date(items[0].parsed.x * 1000)) + ' (' + zone + ')' : '';
      for (const s of spec.series) {
        if (!s.values || !s.values.length) continue;
        first = Math.min(first, s.start);
        last = Math.max(last, s.start + (s.values.length - 1) * s.step);
      }
    }
    config.options.plugins.tooltip.callbacks.label = (item) =>
        item.dataset.label + ': ' + number.format(item.parsed.y);
    const chart = new Chart(canvas, config);
    if (spec.zoom) timeCharts.push(chart);
  });

  // The shared time range, in hours from the first sample.
  const bar = document.getElementById('zoom');
  if (bar && timeCharts.length && first < last) {
    const from = document.getElementById('zoom-from'), to = document.getElementById('zoom-to');
    const hours = Math.ceil((last - first) / 3600);
    for (const input of [from, to]) {
      input.min = 0;
      input.max = hours;
      input.step = 1;
    }
    from.value = 0;
    to.value = hours;
    const apply = () => {
      let a = Number(from.value), b = Number(to.value);
      if (a >= b) [a, b] = [Math.max(0, b - 1), Math.max(a, b - 1) + 1];
      document.getElementById('zoom-from-text').textContent = hour.format(new Date((first + a * 3600) * 1000));
      document.getElementById('zoom-to-text').textContent = hour.format(new Date((first + b * 3600) * 1000));
      for (const chart of timeCharts) {
        chart.options.scales.x.min = first + a * 3600;
        chart.options.scales.x.max = first + b * 3600;
        chart.update('none');
      }
    };
    const set = (a, b) => {
      from.value = Math.max(0, Math.floor((Math.min(a, b) - first) / 3600));
      to.value = Math.min(hours, Math.ceil((Math.max(a, b) - first) / 3600));
      apply();
    };
    from.addEventListener('input', apply);
    to.addEventListener('input', apply);
    document.getElementById('zoom-reset').addEventListener('click', () => set(first, last));
    for (const chart of timeCharts) {
      let down = null;
      chart.canvas.addEventListener('mousedown', (e) => { down = e.offsetX; });
      chart.canvas.addEventListener('mouseup', (e) => {
        if (down !== null && Math.abs(e.offsetX - down) > 5) {
          set(chart.scales.x.getValueForPixel(down), chart.scales.x.getValueForPixel(e.offsetX));
        }
        down = null;
      });
      chart.canvas.addEventListener('dblclick', () => set(first, last));
    }
    bar.hidden = false;
    apply();
  }
  document.body.dataset.chartsDrawn = String(specs.length);
})();
