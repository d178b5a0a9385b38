#include "preferences_dialog.h"

#include "demo_offer.h"
#include "translations.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QVBoxLayout>

namespace mergelab::gui {

PreferencesDialog::PreferencesDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Preferences"));
    m_languageInUse = resolveLanguage();
    QSettings settings;

    auto* form = new QFormLayout;
    m_language = new QComboBox(this);
    m_language->setAccessibleName(tr("User interface language"));
    m_language->addItem(tr("System default (%1)").arg(nativeLanguageName(systemLanguage())), QString());
    for (const QString& code : availableLanguages())
        m_language->addItem(nativeLanguageName(code), code);
    const QString saved = settings.value(QLatin1String(kLanguageSetting)).toString();
    const int index = m_language->findData(saved);
    m_language->setCurrentIndex(index < 0 ? 0 : index);
    form->addRow(tr("&Language:"), m_language);

    m_offerDemo = new QCheckBox(tr("Offer the demo model set when started without a project"), this);
    m_offerDemo->setAccessibleName(tr("Offer the demo model set at start"));
    m_offerDemo->setChecked(settings.value(QLatin1String(kOfferDemoSetting), true).toBool());
    form->addRow(QString(), m_offerDemo);

    m_restartNote = new QLabel(this);
    m_restartNote->setWordWrap(true);
    m_restartNote->setAccessibleName(tr("Restart note"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_language, &QComboBox::currentIndexChanged, this, &PreferencesDialog::updateRestartNote);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_restartNote);
    layout->addStretch(1);
    layout->addWidget(buttons);
    updateRestartNote();
}

QString PreferencesDialog::chosenLanguage() const
{
    return m_language->currentData().toString();
}

void PreferencesDialog::save()
{
    QSettings settings;
    const QString language = chosenLanguage();
    if (language.isEmpty())
        settings.remove(QLatin1String(kLanguageSetting));
    else
        settings.setValue(QLatin1String(kLanguageSetting), language);
    settings.setValue(QLatin1String(kOfferDemoSetting), m_offerDemo->isChecked());
}

void PreferencesDialog::updateRestartNote()
{
    // An empty choice means "system": compare against what the system locale would give.
    const QString chosen = chosenLanguage().isEmpty() ? systemLanguage() : chosenLanguage();
    const bool changes = chosen != m_languageInUse;
    m_restartNote->setText(changes ? tr("The new language applies when MergeLab restarts.") : QString());
    m_restartNote->setVisible(changes);
}

} // namespace mergelab::gui
