//! QR codes drawn as SVG on the server: no script, sharp on any screen.

/// `text` as a QR code in SVG, or nothing when it does not fit one (or in the browser build).
pub(crate) fn qr_svg(text: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        match qrcode::QrCode::new(text.as_bytes()) {
            Ok(code) => code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(180, 180)
                .quiet_zone(true)
                .build(),
            Err(_) => String::new(),
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = text;
        String::new()
    }
}
