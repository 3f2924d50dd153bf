/**
 * Event handler names of the HTML, SVG and old IE DOMs (HTML §8.1.8.2 and the IE/WebKit
 * extensions payload lists use). Used to tell `onfocus=` from `online=` in free text.
 */
export const KNOWN_EVENTS: ReadonlySet<string> = new Set(
  (
    "abort activate afterprint afterscriptexecute afterupdate animationcancel animationend animationiteration " +
    "animationstart auxclick beforeactivate beforecopy beforecut beforedeactivate beforeeditfocus beforeinput " +
    "beforematch beforeprint beforescriptexecute beforetoggle beforeunload beforepaste beforeupdate begin blur " +
    "bounce cancel canplay canplaythrough cellchange change click close contextlost contextmenu contextrestored " +
    "controlselect copy cuechange cut dataavailable datasetchanged datasetcomplete dblclick deactivate drag " +
    "dragdrop dragend dragenter dragexit dragleave dragover dragstart drop durationchange emptied end ended " +
    "error errorupdate filterchange finish focus focusin focusout formchange formdata forminput fullscreenchange " +
    "fullscreenerror gotpointercapture hashchange help input invalid keydown keypress keyup layoutcomplete load " +
    "loadeddata loadedmetadata loadend loadstart losecapture lostpointercapture message messageerror mousedown " +
    "mouseenter mouseleave mousemove mouseout mouseover mouseup mousewheel move moveend movestart offline online " +
    "pagehide pageshow paste pause play playing pointercancel pointerdown pointerenter pointerleave pointermove " +
    "pointerout pointerover pointerrawupdate pointerup popstate progress propertychange ratechange readystatechange " +
    "repeat reset resize resizeend resizestart rowenter rowexit rowsdelete rowsinserted scroll scrollend search " +
    "securitypolicyviolation seeked seeking select selectionchange selectstart show slotchange stalled start " +
    "storage submit suspend timeupdate toggle touchcancel touchend touchmove touchstart transitioncancel " +
    "transitionend transitionrun transitionstart unhandledrejection unload volumechange waiting webkitanimationend " +
    "webkitanimationiteration webkitanimationstart webkittransitionend wheel zoom"
  )
    .split(" ")
    .map((e) => `on${e}`),
);
