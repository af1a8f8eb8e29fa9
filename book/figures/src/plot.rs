//! A figure as plain data ([`Figure`]: axes, series, an optional marker line) and its
//! rendering to SVG with plotters. Rendering reads only the data, so the same data give
//! the same bytes.

use plotters::prelude::*;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A solid line through the points.
    Line,
    /// A dashed line through the points (exact values next to Monte Carlo points).
    Dashed,
    /// One filled circle per point (Monte Carlo results).
    Points,
}

/// One labelled series of (x, y) points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// The points, in x order.
    pub points: Vec<(f64, f64)>,
    /// How the points are drawn.
    pub style: Style,
}

impl Series {
    /// A series from its label, points and style.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>, style: Style) -> Self {
        Self { label: label.into(), points, style }
    }
}

/// A vertical marker line at `x` with a legend label (for example the flip point).
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Position on the x axis.
    pub x: f64,
    /// Legend text.
    pub label: String,
}

/// A figure: file stem, title, axes and series.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// File stem: the figure is written as `{name}.svg`.
    pub name: &'static str,
    /// Title drawn above the plot.
    pub title: String,
    /// x-axis label.
    pub x_label: &'static str,
    /// y-axis label.
    pub y_label: &'static str,
    /// x-axis range.
    pub x_range: (f64, f64),
    /// y-axis range.
    pub y_range: (f64, f64),
    /// The series, drawn in order.
    pub series: Vec<Series>,
    /// An optional vertical marker line.
    pub marker: Option<Marker>,
    /// Where the legend sits.
    pub legend: Legend,
}

/// Where a figure's legend sits inside the plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Legend {
    /// Top right corner.
    #[default]
    UpperRight,
    /// Right edge, vertically centred.
    MiddleRight,
    /// Bottom right corner.
    LowerRight,
    /// Top left corner.
    UpperLeft,
    /// Bottom left corner.
    LowerLeft,
}

impl Legend {
    fn position(self) -> SeriesLabelPosition {
        match self {
            Legend::UpperRight => SeriesLabelPosition::UpperRight,
            Legend::MiddleRight => SeriesLabelPosition::MiddleRight,
            Legend::LowerRight => SeriesLabelPosition::LowerRight,
            Legend::UpperLeft => SeriesLabelPosition::UpperLeft,
            Legend::LowerLeft => SeriesLabelPosition::LowerLeft,
        }
    }
}

/// Width and height of every figure, in pixels.
pub const SIZE: (u32, u32) = (720, 420);

/// Series colours, in order of use.
const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];

/// An error while drawing (plotters' error, as text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawError(pub String);

impl std::fmt::Display for DrawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "drawing failed: {}", self.0)
    }
}

impl std::error::Error for DrawError {}

fn err(e: impl std::fmt::Display) -> DrawError {
    DrawError(e.to_string())
}

/// Points of a dashed line through `points`: each segment cut into dashes of 1/120 of
/// the plot (measured in shares of each axis span), so no dash pattern depends on the
/// backend.
fn dashes(points: &[(f64, f64)], spans: (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    for w in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let len = (((x1 - x0) / spans.0).hypot((y1 - y0) / spans.1) * 120.0).max(1.0);
        let steps = (len.ceil() as usize).max(1);
        for i in (0..steps).step_by(2) {
            let t0 = i as f64 / steps as f64;
            let t1 = ((i + 1) as f64 / steps as f64).min(1.0);
            out.push(vec![(x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0), (x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1)]);
        }
    }
    out
}

/// Renders a figure as an SVG document.
///
/// # Errors
/// [`DrawError`] when plotters fails to draw (for example an empty range).
pub fn render_svg(fig: &Figure) -> Result<String, DrawError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&fig.title, ("sans-serif", 18))
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(58)
            .build_cartesian_2d(fig.x_range.0..fig.x_range.1, fig.y_range.0..fig.y_range.1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(fig.x_label)
            .y_desc(fig.y_label)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        let spans = (fig.x_range.1 - fig.x_range.0, fig.y_range.1 - fig.y_range.0);
        for (i, s) in fig.series.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            let style = ShapeStyle::from(&color).stroke_width(2);
            match s.style {
                Style::Line => {
                    chart
                        .draw_series(LineSeries::new(s.points.iter().copied(), style))
                        .map_err(err)?
                        .label(&s.label)
                        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
                }
                Style::Dashed => {
                    chart
                        .draw_series(dashes(&s.points, spans).into_iter().map(|seg| PathElement::new(seg, style)))
                        .map_err(err)?
                        .label(&s.label)
                        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 8, y)], style));
                }
                Style::Points => {
                    chart
                        .draw_series(s.points.iter().map(|&p| Circle::new(p, 4, color.filled())))
                        .map_err(err)?
                        .label(&s.label)
                        .legend(move |(x, y)| Circle::new((x + 10, y), 4, color.filled()));
                }
            }
        }
        if let Some(m) = &fig.marker {
            let style = ShapeStyle::from(&BLACK).stroke_width(1);
            let line = vec![(m.x, fig.y_range.0), (m.x, fig.y_range.1)];
            chart
                .draw_series(dashes(&line, spans).into_iter().map(|seg| PathElement::new(seg, style)))
                .map_err(err)?
                .label(&m.label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y - 6), (x, y + 6)], style));
        }
        chart
            .configure_series_labels()
            .position(fig.legend.position())
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(160, 160, 160))
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure() -> Figure {
        Figure {
            name: "test",
            title: "A test".into(),
            x_label: "x",
            y_label: "y",
            x_range: (0.0, 1.0),
            y_range: (0.0, 1.0),
            series: vec![
                Series::new("line", vec![(0.0, 0.0), (1.0, 1.0)], Style::Line),
                Series::new("dashed", vec![(0.0, 1.0), (1.0, 0.0)], Style::Dashed),
                Series::new("points", vec![(0.5, 0.5)], Style::Points),
            ],
            marker: Some(Marker { x: 0.3, label: "marker".into() }),
            legend: Legend::default(),
        }
    }

    #[test]
    fn renders_the_same_svg_twice() {
        let a = render_svg(&figure()).unwrap();
        assert!(a.starts_with("<svg") && a.contains("A test") && a.contains("marker"));
        assert_eq!(a, render_svg(&figure()).unwrap());
    }

    #[test]
    fn dashes_cover_half_of_a_segment() {
        let d = dashes(&[(0.0, 0.0), (1.0, 0.0)], (1.0, 1.0));
        assert_eq!(d.len(), 60);
        assert!(d.iter().all(|s| s.len() == 2 && s[1].0 > s[0].0));
    }
}
